"""The lead: one home for everything about a person in the private domain.

- ``identity``: find or create the lead behind a platform identity; ``merge``: one person,
  one lead (unionid merges).
- ``behaviour``: the behaviour log (writer) that the kernel's middlewares and the API
  clients feed; ``export``: the log, out as JSON lines or CSV.
- ``queries``: lead search, filters and the viewer's scope (sales see their own), lead
  changes, JSON shapes and CSV.
- ``profiles``: what onboarding learnt of a lead; ``companies`` and ``crm``: company-name
  matching and CRM rows (pure); ``crm_store``: the CRM import and a lead's classification.
"""
