from models import Lead, LeadIdentity


async def test_a_lead_and_its_identity_are_stored(db):
    lead = await Lead.create(name="王工")
    await LeadIdentity.create(lead=lead, kind="external_userid", value="wmAAA")
    found = await LeadIdentity.get(kind="external_userid", value="wmAAA").prefetch_related("lead")
    assert found.lead.name == "王工"
