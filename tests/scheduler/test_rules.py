"""Unsettled points take the earlier date and say so; rules are data; chains are computed."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.courtdays import Jurisdiction
from scheduler.errors import InvalidInput
from scheduler.rules import (
    EVENTS,
    RULES,
    PeriodRequest,
    ServiceMethod,
    chain,
    compute,
    events,
    get_event,
    rules,
)

D = date.fromisoformat
FED, CA, NY = Jurisdiction.US_FED, Jurisdiction.US_CA, Jurisdiction.US_NY


# research/deadline-rules.md, "Federal ambiguities": (period, reading A, reading B).
@pytest.mark.parametrize(
    ("trigger", "days", "before", "reading_a", "reading_b"),
    [
        ("2027-06-04", 30, False, "2027-07-06", "2027-07-05"),
        ("2026-06-03", 30, False, "2026-07-06", "2026-07-03"),
        ("2028-01-31", 30, True, "2027-12-30", "2027-12-31"),
        ("2028-01-08", 14, True, "2027-12-23", "2027-12-24"),
    ],
)
def test_federal_observed_days_take_the_earlier_reading(
    trigger: str, days: int, before: bool, reading_a: str, reading_b: str
) -> None:
    result = compute(PeriodRequest(FED, D(trigger), days, before=before))
    earlier, later = sorted((D(reading_a), D(reading_b)))
    assert result.due == earlier
    assert [a.due for a in result.unsettled] == [later]
    assert "legal holiday" in result.unsettled[0].question
    assert any(s.startswith("Unsettled:") and "earlier date" in s for s in result.steps)


def test_california_base_on_a_holiday_adds_service_days_to_the_unrolled_day() -> None:
    # 10 days after Mon Nov 16 2026 is Thu Nov 26 (Thanksgiving). Electronic service adds two
    # court days: from Nov 26 they are Mon Nov 30 and Tue Dec 1; rolled to Nov 30 first, Dec 2.
    result = compute(PeriodRequest(CA, D("2026-11-16"), 10, service=ServiceMethod.ELECTRONIC))
    assert result.due == D("2026-12-01")
    assert [a.due for a in result.unsettled] == [D("2026-12-02")]


def test_california_backward_calendar_landing_rolls_back_and_says_so() -> None:
    result = compute(PeriodRequest(CA, D("2026-04-13"), 16, True, True, ServiceMethod.MAIL))
    # 16 court days before Apr 13 is Thu Mar 19; 5 days back is Sat Mar 14: back to Fri Mar 13;
    # CCP 12a read literally would give Mon Mar 16.
    assert result.due == D("2026-03-13")
    assert [a.due for a in result.unsettled] == [D("2026-03-16")]


def test_new_york_backward_period_rolls_back_not_forward() -> None:
    # 8 days before Mon Mar 16 2026 is Sun Mar 8; GCL 25-a literally: Mon Mar 9; earlier: Fri 6.
    result = compute(PeriodRequest(NY, D("2026-03-16"), 8, before=True))
    assert result.due == D("2026-03-06")
    assert [a.due for a in result.unsettled] == [D("2026-03-09")]
    assert "25-a" in result.unsettled[0].question


def test_federal_overnight_courier_adds_nothing_without_consent() -> None:
    result = compute(PeriodRequest(FED, D("2026-03-02"), 21, service=ServiceMethod.OVERNIGHT))
    assert result.due == D("2026-03-23")
    assert [a.due for a in result.unsettled] == [D("2026-03-26")]


def test_federal_notice_before_a_hearing_served_by_mail() -> None:
    # Rule 6(c)(1) 14 days before Fri Mar 27 2026 = Fri Mar 13; if 6(d) applies backward, 3 more
    # days back = Tue Mar 10. The earlier date is the answer, and the other is shown.
    result = compute(
        PeriodRequest(FED, D("2026-03-27"), 14, before=True, service=ServiceMethod.MAIL)
    )
    assert result.due == D("2026-03-10")
    assert [a.due for a in result.unsettled] == [D("2026-03-13")]


def test_the_example_from_the_issue_reads_as_promised() -> None:
    result = compute(PeriodRequest(FED, D("2026-03-02"), 21))
    assert result.steps[0].startswith("Count 21 days after Monday 2 March 2026")
    assert result.steps[-1] == (
        "Day 21 is Monday 23 March 2026, a court day, so that is the deadline."
    )
    assert "FRCP 6(a)(1)" in result.citations


def test_absurd_periods_are_refused() -> None:
    for days in (0, -3, 5000):
        with pytest.raises(InvalidInput) as error:
            compute(PeriodRequest(FED, D("2026-03-02"), days))
        assert error.value.field == "days"
    with pytest.raises(InvalidInput) as error:
        compute(PeriodRequest(FED, D("2035-12-20"), 30))
    assert error.value.field == "days"


# --- rules as data ---------------------------------------------------------------------------


def test_enough_rules_per_jurisdiction_each_with_id_citation_and_statement() -> None:
    assert len(rules(FED)) >= 10 and len(rules(CA)) >= 10 and len(rules(NY)) >= 5
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.id.isupper() and rule.citation and rule.title
        assert rule.statement.endswith(".") and rule.statement.count(". ") == 0, rule.id
        assert 1 <= rule.days <= 365
        assert get_event(rule.jurisdiction, rule.event)
    assert {e.jurisdiction for e in EVENTS} == set(Jurisdiction)
    assert all(rules(e.jurisdiction, e.id) for e in EVENTS)


def test_unknown_event_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as error:
        get_event(CA, "complaint-servd")
    assert error.value.field == "event" and "complaint-served" in error.value.message


def test_federal_judgment_chain() -> None:
    items = chain(FED, "judgment-entered", D("2026-03-02"), ServiceMethod.MAIL)
    due = {i.rule.id: i.computation.due for i in items}
    # Periods from entry of judgment get no 6(d) days, whatever the service.
    assert due["FED-ATTORNEY-FEES"] == D("2026-03-16")  # Mar 2 + 14, a Monday
    assert due["FED-NEW-TRIAL"] == D("2026-03-30")  # Mar 2 + 28, a Monday
    assert due["FED-NOTICE-OF-APPEAL"] == D("2026-04-01")  # Mar 2 + 30, a Wednesday
    assert [i.computation.due for i in items] == sorted(i.computation.due for i in items)
    first = items[0].computation
    assert first.steps[0].startswith("Motion for attorney's fees:")
    assert any("does not run from service" in s for s in first.steps)


def test_california_judgment_notice_chain_has_no_mail_days() -> None:
    items = chain(CA, "judgment-notice-served", D("2026-03-02"), ServiceMethod.MAIL)
    due = {i.rule.id: i.computation.due for i in items}
    assert due["CA-NEW-TRIAL-NOTICE"] == D("2026-03-17")  # Mar 2 + 15, a Tuesday
    assert due["CA-NOTICE-OF-APPEAL"] == D("2026-05-01")  # Mar 2 + 60, a Friday


def test_california_discovery_cutoff_rolls_toward_trial() -> None:
    # Trial Mon Jun 15 2026: 30 days before is Sat May 16; CCP 2016.060 moves it to the next
    # court day closer to trial, Mon May 18. 15 days before is Sun May 31: Mon Jun 1.
    items = chain(CA, "trial-set", D("2026-06-15"))
    due = {i.rule.id: i.computation.due for i in items}
    assert due["CA-DISCOVERY-CUTOFF"] == D("2026-05-18")
    assert due["CA-DISCOVERY-MOTION-CUTOFF"] == D("2026-06-01")
    assert due["CA-MSJ-LAST-HEARING"] == D("2026-05-15")  # Sat May 16 back to Fri May 15


def test_new_york_notice_of_appeal_after_mail_service() -> None:
    items = chain(NY, "judgment-notice-served", D("2026-03-02"), ServiceMethod.MAIL)
    # CPLR 5513(a), (d) with 2103(b)(2): 30 + 5 = 35 days after Mar 2 = Mon Apr 6.
    assert items[0].computation.due == D("2026-04-06")


def test_events_listing_is_filtered_by_jurisdiction() -> None:
    assert {e.jurisdiction for e in events(NY)} == {NY}
    assert len(events()) == len(EVENTS)


def test_federal_court_days_never_count_a_day_the_courts_are_closed() -> None:
    # 5 court days after Mon Jun 29 2026: Tue 30, Wed 1, Thu 2, (Fri Jul 3 closed for
    # Independence Day), Mon 6, Tue Jul 7. Not an unsettled point: the court is not open.
    result = compute(PeriodRequest(FED, D("2026-06-29"), 5, court_days=True))
    assert result.due == D("2026-07-07") and result.unsettled == ()
