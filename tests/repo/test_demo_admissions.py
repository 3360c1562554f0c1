"""The demo's hospital admissions (issue 12, docs): one detained under section 2 and
discharged, one informal and still in hospital, each inside its episode."""

from __future__ import annotations

import pytest

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.demo import DEMO_HOSPITALS, build_demo
from duty_desk.repository import Repository
from duty_desk.views import ClientFilter
from duty_desk.vocabulary import LegalStatus, MhaSection
from tests.conftest import MONDAY_10

pytestmark = pytest.mark.usefixtures("isolated_env")


def test_the_demo_has_a_detained_and_an_informal_admission(db: Database, config: Config) -> None:
    build_demo(db, config, MONDAY_10)
    repo = Repository(db, config, actor="x")
    found = [
        (episode, admission)
        for episode in repo.find_clients("(demo)", ClientFilter.all)
        for admission in repo.admissions(episode.client_id)
    ]
    assert len(found) == 2
    by_hospital = {admission.hospital: (episode, admission) for episode, admission in found}
    episode, detained = by_hospital[DEMO_HOSPITALS[0]]
    assert detained.legal_status is LegalStatus.detained and detained.mha_section is MhaSection.s2
    assert detained.discharged_on is not None and detained.discharged_on > detained.admitted_on
    accepted = timeutil.to_local(episode.accepted_at, config.team.timezone).date()
    assert detained.admitted_on >= accepted
    episode, informal = by_hospital[DEMO_HOSPITALS[1]]
    assert informal.legal_status is LegalStatus.informal and informal.in_hospital
    assert (
        informal.admitted_on >= timeutil.to_local(episode.accepted_at, config.team.timezone).date()
    )
    assert informal.admitted_on <= MONDAY_10.date()
