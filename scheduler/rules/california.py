"""California civil rules (Code of Civil Procedure, Rules of Court): events and deadlines.

Periods are computed under CCP 12, 12a and 12c. ``served=True`` marks periods the method of
service lengthens (CCP 1013, 1010.6); the notice of intention to move for a new trial, the notice
of intention to vacate (663a) and the notice of appeal are excepted by those sections themselves.
"""

from __future__ import annotations

from scheduler.courtdays import Jurisdiction
from scheduler.rules.model import EventType, Rule
from scheduler.rules.periods import Extension, ServiceMethod, mail_from_afar

J = Jurisdiction.US_CA

# CCP 437c(a)(2): notice of a summary judgment motion grows by 5 days for mail within
# California (10 elsewhere in the United States, 20 outside it), and by 2 court days for fax,
# express mail, overnight delivery (and, by CCP 1010.6, electronic service).
MSJ_NOTICE_EXTENSIONS = {
    ServiceMethod.MAIL: Extension(
        5,
        False,
        "Code Civ. Proc. 437c(a)(2)",
        "Served by mail within California: CCP 437c(a)(2) lengthens the notice by 5 days",
    ),
    ServiceMethod.OVERNIGHT: Extension(
        2,
        True,
        "Code Civ. Proc. 437c(a)(2)",
        "Served by overnight delivery: CCP 437c(a)(2) lengthens the notice by 2 court days",
    ),
    ServiceMethod.ELECTRONIC: Extension(
        2,
        True,
        "Code Civ. Proc. 1010.6(a)(3)(B)",
        "Served electronically: CCP 1010.6(a)(3)(B) lengthens the notice by 2 court days",
    ),
    **mail_from_afar("437c(a)(2)", "lengthens the notice by"),
}

EVENTS = (
    EventType("complaint-filed", J, "Filing of the complaint", "the day the complaint was filed"),
    EventType(
        "complaint-served",
        J,
        "Personal service of the summons and complaint",
        "the day the defendant was served",
    ),
    EventType(
        "amended-complaint-served",
        J,
        "Service of an amended complaint",
        "the day the amended complaint was served",
    ),
    EventType(
        "interrogatories-served",
        J,
        "Service of interrogatories",
        "the day the interrogatories were served",
    ),
    EventType(
        "inspection-demand-served",
        J,
        "Service of a demand for inspection or production",
        "the day the demand was served",
    ),
    EventType(
        "admission-requests-served",
        J,
        "Service of requests for admission",
        "the day the requests were served",
    ),
    EventType(
        "discovery-responses-served",
        J,
        "Service of verified discovery responses",
        "the day the responses were served",
    ),
    EventType("hearing-set", J, "Hearing on a motion (CCP 1005(b))", "the day of the hearing"),
    EventType(
        "msj-hearing-set",
        J,
        "Hearing on a motion for summary judgment (CCP 437c)",
        "the day of the hearing",
    ),
    EventType("cmc-set", J, "Initial case management conference", "the day of the conference"),
    EventType("trial-set", J, "Trial date", "the date initially set for trial"),
    EventType(
        "judgment-notice-served",
        J,
        "Service of notice of entry of judgment",
        "the day the notice of entry was served or mailed by the clerk",
    ),
    EventType(
        "judgment-entered",
        J,
        "Entry of judgment, with no notice of entry served",
        "the day the judgment was entered",
    ),
)

RULES = (
    Rule(
        "CA-PROOF-OF-SERVICE",
        J,
        "complaint-filed",
        "File proof of service of the summons and complaint",
        60,
        "Cal. Rules of Court, rule 3.110(b)",
        "The complaint must be served on all named defendants and proofs of service filed "
        "within 60 days after the complaint is filed.",
    ),
    Rule(
        "CA-RESPONSE-TO-COMPLAINT",
        J,
        "complaint-served",
        "Answer, demurrer or other response to the complaint",
        30,
        "Code Civ. Proc. 412.20(a)(3), 430.40(a)",
        "A defendant served personally has 30 days after service to file a response to the "
        "complaint.",
    ),
    Rule(
        "CA-RESPONSE-TO-AMENDED",
        J,
        "amended-complaint-served",
        "Response to the amended complaint",
        30,
        "Code Civ. Proc. 471.5(a)",
        "A defendant must answer or otherwise respond to an amended complaint within 30 days "
        "after service of it.",
        served=True,
    ),
    Rule(
        "CA-INTERROGATORY-RESPONSES",
        J,
        "interrogatories-served",
        "Responses to interrogatories",
        30,
        "Code Civ. Proc. 2030.260(a), 2016.050",
        "The responding party must serve responses to interrogatories within 30 days after "
        "service of them.",
        served=True,
    ),
    Rule(
        "CA-INSPECTION-RESPONSES",
        J,
        "inspection-demand-served",
        "Response to the demand for inspection",
        30,
        "Code Civ. Proc. 2031.260(a), 2016.050",
        "The party to whom a demand for inspection is directed must serve a response within 30 "
        "days after service of the demand.",
        served=True,
    ),
    Rule(
        "CA-ADMISSION-RESPONSES",
        J,
        "admission-requests-served",
        "Responses to requests for admission",
        30,
        "Code Civ. Proc. 2033.250(a), 2016.050",
        "The party to whom requests for admission are directed must serve responses within 30 "
        "days after service of the requests.",
        served=True,
    ),
    Rule(
        "CA-MOTION-COMPEL-FURTHER",
        J,
        "discovery-responses-served",
        "Notice of motion to compel further responses",
        45,
        "Code Civ. Proc. 2030.300(c), 2031.310(c), 2033.290(c), 2016.050",
        "A motion to compel further responses must be noticed within 45 days after service of "
        "the verified response, or the right to compel them is waived.",
        served=True,
    ),
    Rule(
        "CA-MOTION-PAPERS",
        J,
        "hearing-set",
        "Serve and file the moving papers",
        16,
        "Code Civ. Proc. 1005(b)",
        "Moving and supporting papers must be served and filed at least 16 court days before "
        "the hearing, more when served by mail, overnight delivery or electronically.",
        court_days=True,
        before=True,
        served=True,
    ),
    Rule(
        "CA-OPPOSITION",
        J,
        "hearing-set",
        "Serve and file the opposition",
        9,
        "Code Civ. Proc. 1005(b), 1005(c)",
        "Opposition papers must be filed and served at least 9 court days before the hearing, "
        "by a method that delivers them by the close of the next business day.",
        court_days=True,
        before=True,
    ),
    Rule(
        "CA-REPLY",
        J,
        "hearing-set",
        "Serve and file the reply",
        5,
        "Code Civ. Proc. 1005(b), 1005(c)",
        "Reply papers must be filed and served at least 5 court days before the hearing, by a "
        "method that delivers them by the close of the next business day.",
        court_days=True,
        before=True,
    ),
    Rule(
        "CA-MSJ-NOTICE",
        J,
        "msj-hearing-set",
        "Serve the summary judgment motion",
        81,
        "Code Civ. Proc. 437c(a)(2)",
        "Notice of a motion for summary judgment and its supporting papers must be served at "
        "least 81 days before the hearing (since 1 January 2025), more when not served in "
        "person.",
        before=True,
        served=True,
        extensions=MSJ_NOTICE_EXTENSIONS,
    ),
    Rule(
        "CA-MSJ-OPPOSITION",
        J,
        "msj-hearing-set",
        "Serve and file the summary judgment opposition",
        20,
        "Code Civ. Proc. 437c(b)(2)",
        "An opposition to a summary judgment motion must be served and filed at least 20 days "
        "before the hearing (since 1 January 2025).",
        before=True,
    ),
    Rule(
        "CA-MSJ-REPLY",
        J,
        "msj-hearing-set",
        "Serve and file the summary judgment reply",
        11,
        "Code Civ. Proc. 437c(b)(4)",
        "A reply in support of a summary judgment motion must be served and filed at least 11 "
        "days before the hearing (since 1 January 2025).",
        before=True,
    ),
    Rule(
        "CA-CMC-MEET-CONFER",
        J,
        "cmc-set",
        "Meet and confer on case management",
        30,
        "Cal. Rules of Court, rule 3.724",
        "No later than 30 calendar days before the initial case management conference, the "
        "parties must meet and confer on the subjects the rule lists.",
        before=True,
    ),
    Rule(
        "CA-CMC-STATEMENT",
        J,
        "cmc-set",
        "File and serve the case management statement",
        15,
        "Cal. Rules of Court, rule 3.725(a)",
        "No later than 15 calendar days before the case management conference, each party must "
        "file and serve a case management statement.",
        before=True,
    ),
    Rule(
        "CA-MSJ-LAST-HEARING",
        J,
        "trial-set",
        "Last day for a summary judgment motion to be heard",
        30,
        "Code Civ. Proc. 437c(a)(3)",
        "A summary judgment motion must be heard no later than 30 days before the date of "
        "trial, unless the court orders otherwise.",
        before=True,
    ),
    Rule(
        "CA-DISCOVERY-CUTOFF",
        J,
        "trial-set",
        "Discovery cut-off",
        30,
        "Code Civ. Proc. 2024.020(a), 2016.060",
        "Discovery must be completed on or before the 30th day before the date initially set "
        "for trial; if that day is a weekend or holiday, the limit moves to the next court day "
        "closer to trial.",
        before=True,
        roll_toward_event=True,
    ),
    Rule(
        "CA-DISCOVERY-MOTION-CUTOFF",
        J,
        "trial-set",
        "Last day for discovery motions to be heard",
        15,
        "Code Civ. Proc. 2024.020(a), 2016.060",
        "Motions concerning discovery must be heard on or before the 15th day before the date "
        "initially set for trial; a weekend or holiday moves it to the next court day closer "
        "to trial.",
        before=True,
        roll_toward_event=True,
    ),
    Rule(
        "CA-NEW-TRIAL-NOTICE",
        J,
        "judgment-notice-served",
        "Notice of intention to move for a new trial",
        15,
        "Code Civ. Proc. 659(a)(2)",
        "The notice of intention to move for a new trial must be filed within 15 days after the "
        "clerk mails, or a party serves, notice of entry of judgment; service by mail adds no "
        "days.",
    ),
    Rule(
        "CA-VACATE-NOTICE",
        J,
        "judgment-notice-served",
        "Notice of intention to move to vacate the judgment",
        15,
        "Code Civ. Proc. 663a(a)(2)",
        "The notice of intention to move to vacate a judgment must be filed within 15 days "
        "after the clerk mails, or a party serves, notice of entry of judgment.",
    ),
    Rule(
        "CA-NOTICE-OF-APPEAL",
        J,
        "judgment-notice-served",
        "Notice of appeal",
        60,
        "Cal. Rules of Court, rule 8.104(a)(1)(B)",
        "A notice of appeal must be filed within 60 days after a party or the clerk serves "
        "notice of entry of judgment; service by mail adds no days.",
    ),
    Rule(
        "CA-ATTORNEY-FEES",
        J,
        "judgment-notice-served",
        "Motion for attorney's fees through judgment",
        60,
        "Cal. Rules of Court, rules 3.1702(b)(1), 8.104(a)(1)(B)",
        "A motion for attorney's fees for services up to judgment must be served and filed "
        "within the time for filing a notice of appeal.",
    ),
    Rule(
        "CA-NOTICE-OF-APPEAL-OUTER",
        J,
        "judgment-entered",
        "Notice of appeal (outer limit)",
        180,
        "Cal. Rules of Court, rule 8.104(a)(1)(C)",
        "If no notice of entry of judgment is served, a notice of appeal must be filed within "
        "180 days after entry of judgment.",
    ),
)
