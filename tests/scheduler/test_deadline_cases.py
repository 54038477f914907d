"""Single-period deadlines, each worked out by hand from the rule text beside it.

Every case lists: jurisdiction, trigger date, days, court days?, before?, service, the expected
deadline, and the reasoning (the rule and the calendar facts used). The reasoning was written
from the rule texts in the research notes and a printed calendar, not from the engine's output.
None of these cases depends on an unsettled point (observed days in federal or New York courts,
the order of roll and extension in California when the base lands on a holiday, a backward
calendar count landing on a weekend); those are tested separately in test_unsettled.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.courtdays import Jurisdiction
from scheduler.rules import PeriodRequest, ServiceMethod, compute

FED, CA, NY = Jurisdiction.US_FED, Jurisdiction.US_CA, Jurisdiction.US_NY
P, M, E, ON, MU, MA = (
    ServiceMethod.PERSONAL,
    ServiceMethod.MAIL,
    ServiceMethod.ELECTRONIC,
    ServiceMethod.OVERNIGHT,
    ServiceMethod.MAIL_US,
    ServiceMethod.MAIL_ABROAD,
)
D = date.fromisoformat

# (jurisdiction, trigger, days, court_days, before, service, expected, reasoning)
# fmt: off
CASES: list[tuple[Jurisdiction, str, int, bool, bool, ServiceMethod, str, str]] = [
    # --- Federal: FRCP 6(a), 6(d) -------------------------------------------------------------
    (FED, "2026-03-02", 21, False, False, P, "2026-03-23",
     "Mar 2 + 21 = Mon Mar 23, no holiday: due that day (6(a)(1))."),
    (FED, "2026-03-02", 21, False, False, M, "2026-03-26",
     "Base Mon Mar 23; 6(d) adds 3 after the period ends: Thu Mar 26."),
    (FED, "2026-03-02", 21, False, False, E, "2026-03-23",
     "Electronic service: no 6(d) days since 2016-12-01; Mon Mar 23."),
    (FED, "2026-03-02", 20, False, False, P, "2026-03-23",
     "Day 20 is Sun Mar 22: runs to Mon Mar 23 (6(a)(1)(C))."),
    (FED, "2026-03-02", 19, False, False, P, "2026-03-23",
     "Day 19 is Sat Mar 21: runs to Mon Mar 23."),
    (FED, "2026-03-02", 19, False, False, M, "2026-03-26",
     "Base Sat Mar 21 rolls to Mon Mar 23 first; then +3 = Thu Mar 26 (6(d) order)."),
    (FED, "2026-03-04", 21, False, False, M, "2026-03-30",
     "Base Wed Mar 25; +3 = Sat Mar 28, rolled again to Mon Mar 30."),
    (FED, "2026-06-02", 14, False, False, M, "2026-06-22",
     "Base Tue Jun 16; +3 = Fri Jun 19 Juneteenth; Sat, Sun; Mon Jun 22."),
    (FED, "2026-05-11", 14, False, False, P, "2026-05-26",
     "Day 14 is Mon May 25, Memorial Day: Tue May 26."),
    (FED, "2026-08-28", 10, False, False, P, "2026-09-08",
     "Day 10 is Mon Sep 7, Labor Day: Tue Sep 8."),
    (FED, "2026-09-12", 30, False, False, P, "2026-10-13",
     "Sep 12 + 30 = Mon Oct 12, Columbus Day (a federal legal holiday): Tue Oct 13."),
    (FED, "2026-11-12", 14, False, False, P, "2026-11-27",
     "Day 14 is Thu Nov 26, Thanksgiving; the Friday after is not a federal holiday: Nov 27."),
    (FED, "2026-11-25", 30, False, False, P, "2026-12-28",
     "Nov 25 + 30 = Fri Dec 25, Christmas; Sat, Sun; Mon Dec 28."),
    (FED, "2026-12-25", 7, False, False, P, "2027-01-04",
     "Year end: Dec 25 + 7 = Fri Jan 1 2027, New Year's Day; Sat, Sun; Mon Jan 4 2027."),
    (FED, "2025-12-15", 21, False, False, P, "2026-01-05",
     "Across the year: Dec 15 + 16 = Dec 31, + 5 = Mon Jan 5 2026."),
    (FED, "2026-01-05", 14, False, False, P, "2026-01-20",
     "Day 14 is Mon Jan 19, Martin Luther King Jr.'s Birthday: Tue Jan 20."),
    (FED, "2026-01-19", 28, False, False, P, "2026-02-17",
     "Jan 19 + 28 = Mon Feb 16, Washington's Birthday: Tue Feb 17."),
    (FED, "2026-06-05", 14, False, False, P, "2026-06-22",
     "Day 14 is Fri Jun 19, Juneteenth; Sat, Sun; Mon Jun 22."),
    (FED, "2026-10-12", 30, False, False, P, "2026-11-12",
     "Oct 12 + 30 = Wed Nov 11, Veterans Day: Thu Nov 12."),
    (FED, "2026-01-05", 60, False, False, P, "2026-03-06",
     "Day 26 = Jan 31, day 54 = Feb 28 (2026 is not a leap year), day 60 = Fri Mar 6."),
    (FED, "2026-01-02", 90, False, False, P, "2026-04-02",
     "Day 29 = Jan 31, day 57 = Feb 28, day 88 = Mar 31, day 90 = Thu Apr 2."),
    (FED, "2028-01-31", 29, False, False, P, "2028-02-29",
     "Leap year: Jan 31 + 29 = Tue Feb 29 2028, a court day."),
    (FED, "2028-01-31", 30, False, False, P, "2028-03-01",
     "Leap year: day 29 is Feb 29, so day 30 is Wed Mar 1 2028."),
    (FED, "2029-08-22", 10, False, False, P, "2029-09-04",
     "The 2009 committee note's example, in 2029 (same calendar as 2007): day 10 is Sat Sep 1; "
     "Sun; Mon Sep 3 Labor Day; due Tue Sep 4."),
    (FED, "2029-09-11", 10, False, True, P, "2029-08-31",
     "The same note, backward: 10 days before Tue Sep 11 is Sat Sep 1; 6(a)(5) goes back to "
     "Fri Aug 31."),
    (FED, "2026-03-23", 14, False, True, P, "2026-03-09",
     "14 days before Mon Mar 23 is Mon Mar 9, a court day."),
    (FED, "2026-03-16", 9, False, True, P, "2026-03-06",
     "9 days before Mon Mar 16 is Sat Mar 7: back to Fri Mar 6 (6(a)(5))."),
    (FED, "2026-06-08", 14, False, True, P, "2026-05-22",
     "14 days before Mon Jun 8 is Mon May 25, Memorial Day; Sun, Sat; back to Fri May 22."),
    (FED, "2026-01-26", 7, False, True, P, "2026-01-16",
     "7 days before Mon Jan 26 is Mon Jan 19, MLK Day; Sun, Sat; back to Fri Jan 16."),
    (FED, "2026-11-25", 5, True, False, P, "2026-12-03",
     "5 court days after Wed Nov 25: Thanksgiving skipped; Fri 27, Mon 30, Tue 1, Wed 2, Thu "
     "Dec 3."),
    (FED, "2026-12-28", 5, True, True, P, "2026-12-18",
     "5 court days before Mon Dec 28: Fri 25 Christmas skipped; Thu 24, Wed 23, Tue 22, Mon "
     "21, Fri Dec 18."),
    (FED, "2026-11-27", 28, False, False, P, "2026-12-28",
     "Nov 27 + 28 = Fri Dec 25, Christmas; Sat, Sun; Mon Dec 28."),
    # --- California: CCP 12, 12a, 12c, 135, 1005, 1010.6, 1013 --------------------------------
    (CA, "2026-03-02", 30, False, False, P, "2026-04-01",
     "Mar 2 + 30 = Wed Apr 1, a court day."),
    (CA, "2026-03-01", 30, False, False, P, "2026-04-01",
     "Mar 1 + 30 = Tue Mar 31, Cesar Chavez Day (a judicial holiday): Wed Apr 1."),
    (CA, "2026-02-02", 10, False, False, P, "2026-02-13",
     "Feb 2 + 10 = Thu Feb 12, Lincoln Day: Fri Feb 13."),
    (CA, "2026-11-11", 15, False, False, P, "2026-11-30",
     "Nov 11 + 15 = Thu Nov 26 Thanksgiving; Fri the day after (CCP 135); Sat; Sun; Mon Nov "
     "30."),
    (CA, "2026-09-15", 10, False, False, P, "2026-09-28",
     "Sep 15 + 10 = Fri Sep 25, Native American Day; Sat, Sun; Mon Sep 28."),
    (CA, "2026-09-12", 30, False, False, P, "2026-10-12",
     "Sep 12 + 30 = Mon Oct 12: Columbus Day is not a judicial holiday (CCP 135); due then."),
    (CA, "2026-08-30", 10, False, False, P, "2026-09-09",
     "Aug 30 + 10 = Wed Sep 9, Admission Day, which CCP 135 excepts: a court day."),
    (CA, "2027-10-19", 10, False, False, P, "2027-10-29",
     "Oct 19 + 10 = Fri Oct 29 2027, Diwali, which CCP 135 (AB 268) excepts: a court day."),
    (CA, "2026-03-02", 30, False, False, M, "2026-04-06",
     "Base Wed Apr 1; CCP 1013(a) mail within California +5 calendar days = Mon Apr 6."),
    (CA, "2026-03-16", 15, False, False, M, "2026-04-06",
     "Base Tue Mar 31 (Cesar Chavez); +5 = Sun Apr 5, rolled to Mon Apr 6. Rolling the base "
     "first (Apr 1 + 5 = Apr 6) gives the same day."),
    (CA, "2026-03-02", 30, False, False, E, "2026-04-03",
     "Base Wed Apr 1; CCP 1010.6 +2 court days: Thu Apr 2, Fri Apr 3."),
    (CA, "2026-03-02", 30, False, False, ON, "2026-04-03",
     "Base Wed Apr 1; CCP 1013(c) overnight +2 court days: Fri Apr 3."),
    (CA, "2026-11-14", 10, False, False, E, "2026-11-30",
     "Base Tue Nov 24; +2 court days: Wed Nov 25 (1); Thu 26 and Fri 27 are holidays; Mon Nov "
     "30 (2)."),
    (CA, "2026-04-13", 16, True, True, P, "2026-03-19",
     "16 court days before Mon Apr 13, skipping Tue Mar 31 (Cesar Chavez): Apr 10, 9, 8, 7, 6, "
     "3, 2, 1, Mar 30, 27, 26, 25, 24, 23, 20, 19 (CCP 1005(b), 12c)."),
    (CA, "2026-04-17", 16, True, True, P, "2026-03-25",
     "16 court days before Fri Apr 17: Apr 16..1 are 12, Mar 31 skipped, Mar 30, 27, 26, 25."),
    (CA, "2026-04-17", 16, True, True, M, "2026-03-20",
     "16 court days give Wed Mar 25; mail adds 5 calendar days counted back (CCP 1005(b), "
     "12c(b)): Fri Mar 20, a court day."),
    (CA, "2026-04-17", 16, True, True, E, "2026-03-23",
     "16 court days give Wed Mar 25; electronic service adds 2 court days (CCP 1010.6): Tue "
     "Mar 24, Mon Mar 23."),
    (CA, "2026-04-17", 16, True, True, ON, "2026-03-23",
     "16 court days give Wed Mar 25; overnight adds 2 calendar days (CCP 1005(b)): Mon Mar 23."),
    (CA, "2026-04-17", 9, True, True, P, "2026-04-06",
     "Opposition, 9 court days before Fri Apr 17: Apr 16, 15, 14, 13, 10, 9, 8, 7, Mon Apr 6."),
    (CA, "2026-04-17", 5, True, True, P, "2026-04-10",
     "Reply, 5 court days before Fri Apr 17: Apr 16, 15, 14, 13, Fri Apr 10."),
    (CA, "2026-12-07", 9, True, True, P, "2026-11-20",
     "9 court days before Mon Dec 7: Dec 4, 3, 2, 1, Nov 30; Nov 27 and 26 are holidays; Nov "
     "25, 24, 23, Fri Nov 20."),
    (CA, "2026-03-26", 60, False, False, P, "2026-05-26",
     "Mar 26 + 60: day 5 = Mar 31, day 35 = Apr 30, day 60 = Mon May 25, Memorial Day: Tue May "
     "26."),
    (CA, "2026-12-22", 10, False, False, P, "2027-01-04",
     "Dec 22 + 10 = Fri Jan 1 2027, New Year's Day; Sat, Sun; Mon Jan 4 2027."),
    (CA, "2026-06-03", 30, False, False, P, "2026-07-06",
     "Jun 3 + 30 = Fri Jul 3, the courts' observed Independence Day (CRC 1.11; a holiday for "
     "computing time under CCP 12b); Sat Jul 4; Sun; Mon Jul 6."),
    (CA, "2028-02-01", 10, False, False, P, "2028-02-14",
     "Feb 1 + 10 = Fri Feb 11 2028, observed Lincoln Day (Feb 12 is a Saturday); Sat; Sun; Mon "
     "Feb 14."),
    (CA, "2028-10-31", 10, False, False, P, "2028-11-13",
     "Oct 31 + 10 = Fri Nov 10 2028, observed Veterans Day (Nov 11 is a Saturday); Mon Nov 13."),
    (CA, "2028-01-31", 29, False, False, P, "2028-02-29",
     "Leap year: Jan 31 + 29 = Tue Feb 29 2028, a court day."),
    (CA, "2026-10-15", 15, False, True, P, "2026-09-30",
     "15 days before Thu Oct 15 is Wed Sep 30, a court day (CCP 12c)."),
    # --- New York: GCL 20, 24, 25-a; CPLR 2103(b) ---------------------------------------------
    (NY, "2026-03-02", 20, False, False, P, "2026-03-23",
     "Mar 2 + 20 = Sun Mar 22: next business day Mon Mar 23 (GCL 25-a)."),
    (NY, "2026-03-02", 20, False, False, M, "2026-03-27",
     "CPLR 2103(b)(2): 20 + 5 = 25 days; Mar 2 + 25 = Fri Mar 27."),
    (NY, "2026-03-04", 20, False, False, M, "2026-03-30",
     "25 days after Wed Mar 4 = Sun Mar 29: Mon Mar 30."),
    (NY, "2026-03-04", 20, False, False, E, "2026-03-24",
     "Electronic (NYSCEF) service adds nothing: Mar 4 + 20 = Tue Mar 24."),
    (NY, "2026-03-03", 20, False, False, ON, "2026-03-24",
     "Mar 3 + 20 = Mon Mar 23; overnight adds one business day (CPLR 2103(b)(6)): Tue Mar 24."),
    (NY, "2026-02-02", 10, False, False, P, "2026-02-13",
     "Feb 2 + 10 = Thu Feb 12, Lincoln's Birthday (GCL 24): Fri Feb 13."),
    (NY, "2026-10-04", 30, False, False, P, "2026-11-04",
     "Oct 4 + 30 = Tue Nov 3, general election day (GCL 24): Wed Nov 4."),
    (NY, "2026-09-12", 30, False, False, P, "2026-10-13",
     "Sep 12 + 30 = Mon Oct 12, Columbus Day (GCL 24): Tue Oct 13."),
    (NY, "2026-11-12", 14, False, False, P, "2026-11-27",
     "Nov 12 + 14 = Thu Nov 26 Thanksgiving; the Friday after is a business day in New York."),
    (NY, "2027-06-04", 30, False, False, P, "2027-07-06",
     "Jun 4 + 30 = Sun Jul 4 2027; GCL 24 makes Mon Jul 5 a holiday too; due Tue Jul 6."),
    (NY, "2026-05-30", 20, False, False, P, "2026-06-22",
     "May 30 + 20 = Fri Jun 19, Juneteenth (GCL 24); Sat, Sun; Mon Jun 22."),
    (NY, "2026-11-25", 30, False, False, P, "2026-12-28",
     "Nov 25 + 30 = Fri Dec 25, Christmas; Sat, Sun; Mon Dec 28."),
    (NY, "2026-10-22", 20, False, False, P, "2026-11-12",
     "Oct 22 + 20 = Wed Nov 11, Veterans' Day: Thu Nov 12."),
    (NY, "2026-03-02", 120, False, False, P, "2026-06-30",
     "Day 29 = Mar 31, day 59 = Apr 30, day 90 = May 31, day 120 = Tue Jun 30 (CPLR 3212(a))."),
    (NY, "2028-02-09", 20, False, False, P, "2028-02-29",
     "Leap year: Feb 9 + 20 = Tue Feb 29 2028."),
    (NY, "2026-12-02", 30, False, False, P, "2027-01-04",
     "Dec 2 + 30 = Fri Jan 1 2027, New Year's Day; Sat, Sun; Mon Jan 4 2027."),
    (NY, "2027-01-04", 14, False, False, P, "2027-01-19",
     "Jan 4 + 14 = Mon Jan 18 2027, Dr. Martin Luther King, Jr. Day: Tue Jan 19."),
    (NY, "2026-05-11", 14, False, False, P, "2026-05-26",
     "May 11 + 14 = Mon May 25, Memorial Day: Tue May 26."),
    (NY, "2026-03-19", 8, False, True, P, "2026-03-11",
     "8 days before Thu Mar 19 (CPLR 2214(b)) is Wed Mar 11, a business day."),
    (CA, "2026-03-02", 10, False, False, MU, "2026-03-23",
     "10 days after Mon Mar 2 is Thu Mar 12; mail from elsewhere in the US adds 10 calendar days "
     "(CCP 1013(a)): Sun Mar 22, not a court day, so CCP 12a extends it to Mon Mar 23."),
    (CA, "2026-03-02", 10, False, False, MA, "2026-04-01",
     "10 days after Mon Mar 2 is Thu Mar 12; mail from outside the US adds 20 calendar days "
     "(CCP 1013(a)): Wed Apr 1, a court day (Cesar Chavez Day was the day before)."),
    (FED, "2026-03-02", 14, False, False, MA, "2026-03-19",
     "14 days after Mon Mar 2 is Mon Mar 16, a court day; mail adds 3 days under FRCP 6(d) "
     "wherever it was sent from: Thu Mar 19."),
]
# fmt: on


def test_the_table_is_large_and_covers_each_jurisdiction() -> None:
    assert len(CASES) >= 60
    per = {j: sum(1 for c in CASES if c[0] is j) for j in (FED, CA, NY)}
    assert min(per.values()) >= 15, per
    assert any(c[4] for c in CASES) and any(c[3] for c in CASES)
    assert {c[5] for c in CASES} == set(ServiceMethod)


@pytest.mark.parametrize(
    ("jurisdiction", "trigger", "days", "court_days", "before", "service", "expected", "why"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}{'c' if c[3] else ''}{'b' if c[4] else ''}-{c[5]}" for c in CASES],
)
def test_hand_worked_case(
    jurisdiction: Jurisdiction,
    trigger: str,
    days: int,
    court_days: bool,
    before: bool,
    service: ServiceMethod,
    expected: str,
    why: str,
) -> None:
    result = compute(
        PeriodRequest(
            jurisdiction=jurisdiction,
            trigger=D(trigger),
            days=days,
            court_days=court_days,
            before=before,
            service=service,
        )
    )
    assert result.due == D(expected), why
    # None of these cases turns on an unsettled point.
    assert result.unsettled == (), why
    # The steps name the deadline, and say it in the closing step.
    assert f"{D(expected).day} {D(expected):%B %Y}" in result.steps[-1]
    assert result.citations
