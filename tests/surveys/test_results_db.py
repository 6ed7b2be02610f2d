"""Results counted by the database (PostgreSQL) equal the same results counted in Python."""
from datetime import datetime, timezone

from handlers.surveys.results import survey_results
from handlers.surveys.seed import seed_surveys
from handlers.surveys.store import definition_of
from models import Survey, SurveyResponse
from surveys import question_results


async def test_results_match_a_count_in_python_for_every_wave(db):
    await seed_surveys(datetime(2026, 12, 7, tzinfo=timezone.utc), customers=60)
    for survey in await Survey.all():
        definition = definition_of(survey)
        for wave in (None, *await survey.waves.all().values_list("name", flat=True)):
            rows = SurveyResponse.filter(survey_id=survey.id)
            if wave is not None:
                rows = rows.filter(wave__name=wave)
            answers = await rows.order_by("id").values_list("answers", flat=True)

            results = await survey_results(survey, wave)

            assert results["responses"] == len(answers)
            assert results["questions"] == question_results(definition, answers)
    nps = await survey_results(await Survey.get(key="nps"), "no-such-wave")
    assert (nps["responses"], nps["nps"]) == (0, None)
