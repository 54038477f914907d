"""New York civil practice (CPLR): trigger events and the deadlines they set.

Periods are computed under General Construction Law 20 and 25-a. ``served=True`` marks periods
measured from service of a paper, which CPLR 2103(b)(2) lengthens by 5 days for mail and
2103(b)(6) by one business day for overnight delivery.
"""

from __future__ import annotations

from scheduler.courtdays import Jurisdiction
from scheduler.rules.model import EventType, Rule

J = Jurisdiction.US_NY

EVENTS = (
    EventType(
        "action-commenced",
        J,
        "Filing of the summons and complaint (commencement)",
        "the day the summons and complaint were filed",
    ),
    EventType(
        "summons-delivered",
        J,
        "Summons personally delivered to the defendant in New York",
        "the day of personal delivery",
    ),
    EventType(
        "summons-served-otherwise",
        J,
        "Summons served by another method (service complete)",
        "the day service was complete",
    ),
    EventType(
        "pleading-served",
        J,
        "Service of a pleading that needs a responsive pleading (answer to a counterclaim, "
        "amended pleading)",
        "the day the pleading was served",
    ),
    EventType(
        "interrogatories-served", J, "Service of interrogatories", "the day they were served"
    ),
    EventType("notice-to-admit-served", J, "Service of a notice to admit", "the day it was served"),
    EventType(
        "motion-return-date",
        J,
        "Return date of a motion (CPLR 2214)",
        "the day the motion is noticed to be heard",
    ),
    EventType("note-of-issue-filed", J, "Filing of the note of issue", "the day it was filed"),
    EventType(
        "judgment-notice-served",
        J,
        "Service of the judgment or order with notice of entry",
        "the day it was served",
    ),
)

RULES = (
    Rule(
        "NY-SERVE-PROCESS",
        J,
        "action-commenced",
        "Serve the summons and complaint",
        120,
        "CPLR 306-b",
        "Service of the summons and complaint must be made within 120 days after the action is "
        "commenced by filing.",
    ),
    Rule(
        "NY-APPEARANCE-PERSONAL",
        J,
        "summons-delivered",
        "Appearance or answer",
        20,
        "CPLR 320(a), 3012(a)",
        "A defendant personally served with the summons in New York must appear within 20 days "
        "after service.",
    ),
    Rule(
        "NY-APPEARANCE-OTHER",
        J,
        "summons-served-otherwise",
        "Appearance or answer",
        30,
        "CPLR 320(a)",
        "A defendant served with the summons by any other method must appear within 30 days "
        "after service is complete.",
    ),
    Rule(
        "NY-RESPONSIVE-PLEADING",
        J,
        "pleading-served",
        "Responsive pleading (reply to counterclaim, answer to amended pleading)",
        20,
        "CPLR 3012(a), 3025(d)",
        "A reply to a counterclaim, or an answer to an amended pleading, must be served within "
        "20 days after service of the pleading it responds to.",
        served=True,
    ),
    Rule(
        "NY-INTERROGATORY-ANSWERS",
        J,
        "interrogatories-served",
        "Answers to interrogatories",
        20,
        "CPLR 3133(a)",
        "Answers or objections to interrogatories must be served within 20 days after service "
        "of the interrogatories.",
        served=True,
    ),
    Rule(
        "NY-NOTICE-TO-ADMIT",
        J,
        "notice-to-admit-served",
        "Response to the notice to admit (or the matters are admitted)",
        20,
        "CPLR 3123(a)",
        "Each matter in a notice to admit is deemed admitted unless a sworn denial or statement "
        "is served within 20 days after service of the notice.",
        served=True,
    ),
    Rule(
        "NY-MOTION-NOTICE",
        J,
        "motion-return-date",
        "Serve the notice of motion and supporting papers",
        8,
        "CPLR 2214(b)",
        "A notice of motion and supporting affidavits must be served at least 8 days before the "
        "time at which the motion is noticed to be heard.",
        before=True,
        served=True,
    ),
    Rule(
        "NY-ANSWERING-PAPERS",
        J,
        "motion-return-date",
        "Serve answering papers",
        2,
        "CPLR 2214(b)",
        "Answering affidavits must be served at least 2 days before the motion is heard, unless "
        "the notice of motion demanded them 7 days before.",
        before=True,
    ),
    Rule(
        "NY-SUMMARY-JUDGMENT",
        J,
        "note-of-issue-filed",
        "Last day to move for summary judgment",
        120,
        "CPLR 3212(a)",
        "Unless the court sets an earlier date, a motion for summary judgment must be made no "
        "later than 120 days after the filing of the note of issue.",
    ),
    Rule(
        "NY-NOTICE-OF-APPEAL",
        J,
        "judgment-notice-served",
        "Notice of appeal",
        30,
        "CPLR 5513(a), 5513(d)",
        "An appeal must be taken within 30 days after service of the judgment or order with "
        "notice of entry, lengthened as CPLR 2103(b) provides when that service is by mail or "
        "overnight delivery.",
        served=True,
    ),
)
