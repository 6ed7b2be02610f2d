"""Pure lead logic for onboarding: company-name normalisation and fuzzy matching, CRM rows and
the classification of a lead against the CRM (existing account, known contact, new)."""
