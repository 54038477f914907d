"""Federal civil and appellate rules (FRCP, FRAP): trigger events and the deadlines they set.

Periods are computed under FRCP 6(a) (FRAP 26(a) is the same). ``served=True`` marks periods that
run after the party is served under Rule 5, the only ones FRCP 6(d) can lengthen; a summons is
served under Rule 4, and judgments run from entry, so those get no extra days.
"""

from __future__ import annotations

from scheduler.courtdays import Jurisdiction
from scheduler.rules.model import EventType, Rule

J = Jurisdiction.US_FED

EVENTS = (
    EventType("complaint-filed", J, "Filing of the complaint", "the day the complaint was filed"),
    EventType(
        "complaint-served",
        J,
        "Service of the summons and complaint",
        "the day the defendant was served",
    ),
    EventType(
        "waiver-requested",
        J,
        "Request to waive service sent (Rule 4(d)), to a defendant in the United States",
        "the day the request for a waiver was sent",
    ),
    EventType(
        "us-served",
        J,
        "Service on the United States, its agency, officer or employee (Rule 12(a)(2))",
        "the day the United States attorney was served",
    ),
    EventType(
        "counterclaim-served",
        J,
        "Service of a pleading stating a counterclaim or crossclaim",
        "the day the pleading was served",
    ),
    EventType(
        "amended-pleading-served",
        J,
        "Service of an amended pleading",
        "the day the amended pleading was served",
    ),
    EventType(
        "rule12-motion-decided",
        J,
        "Notice that the court denied or postponed a Rule 12 motion",
        "the day of notice of the court's action",
    ),
    EventType(
        "interrogatories-served",
        J,
        "Service of interrogatories",
        "the day the interrogatories were served",
    ),
    EventType(
        "document-requests-served",
        J,
        "Service of requests for production",
        "the day the requests were served",
    ),
    EventType(
        "admission-requests-served",
        J,
        "Service of requests for admission",
        "the day the requests were served",
    ),
    EventType(
        "magistrate-order-served",
        J,
        "Service of a magistrate judge's order or recommended disposition",
        "the day the order or recommendation was served",
    ),
    EventType("discovery-closed", J, "Close of all discovery", "the day discovery closed"),
    EventType("hearing-set", J, "Hearing on a written motion", "the day of the hearing"),
    EventType("trial-set", J, "Trial date", "the first day of trial"),
    EventType("judgment-entered", J, "Entry of judgment", "the day the judgment was entered"),
)

RULES = (
    Rule(
        "FED-SERVE-PROCESS",
        J,
        "complaint-filed",
        "Serve the summons and complaint",
        90,
        "FRCP 4(m)",
        "The plaintiff must serve each defendant within 90 days after the complaint is filed, "
        "or the court must dismiss the action against that defendant or order service.",
    ),
    Rule(
        "FED-ANSWER",
        J,
        "complaint-served",
        "Answer or Rule 12 motion",
        21,
        "FRCP 12(a)(1)(A)(i)",
        "A defendant must serve an answer within 21 days after being served with the summons "
        "and complaint.",
    ),
    Rule(
        "FED-WAIVER-RETURN",
        J,
        "waiver-requested",
        "Return the waiver of service",
        30,
        "FRCP 4(d)(1)(F)",
        "A request to waive service must give the defendant at least 30 days after it was sent "
        "to return the waiver.",
    ),
    Rule(
        "FED-ANSWER-AFTER-WAIVER",
        J,
        "waiver-requested",
        "Answer after waiving service",
        60,
        "FRCP 12(a)(1)(A)(ii)",
        "A defendant who timely waived service must serve an answer within 60 days after the "
        "request for a waiver was sent.",
    ),
    Rule(
        "FED-ANSWER-US",
        J,
        "us-served",
        "Answer by the United States",
        60,
        "FRCP 12(a)(2)",
        "The United States, its agency, or an officer or employee sued in an official capacity "
        "must answer within 60 days after service on the United States attorney.",
    ),
    Rule(
        "FED-ANSWER-COUNTERCLAIM",
        J,
        "counterclaim-served",
        "Answer to the counterclaim or crossclaim",
        21,
        "FRCP 12(a)(1)(B)",
        "A party must serve an answer to a counterclaim or crossclaim within 21 days after being "
        "served with the pleading that states it.",
        served=True,
    ),
    Rule(
        "FED-RESPOND-AMENDED",
        J,
        "amended-pleading-served",
        "Response to the amended pleading",
        14,
        "FRCP 15(a)(3)",
        "A response to an amended pleading is due within the time left to respond to the "
        "original pleading or within 14 days after service of the amended pleading, whichever "
        "is later; this is the 14-day date.",
        served=True,
    ),
    Rule(
        "FED-ANSWER-AFTER-MOTION",
        J,
        "rule12-motion-decided",
        "Responsive pleading after a Rule 12 ruling",
        14,
        "FRCP 12(a)(4)(A)",
        "If the court denies a Rule 12 motion or postpones it until trial, the responsive "
        "pleading is due within 14 days after notice of the court's action.",
    ),
    Rule(
        "FED-INTERROGATORY-ANSWERS",
        J,
        "interrogatories-served",
        "Answers and objections to interrogatories",
        30,
        "FRCP 33(b)(2)",
        "The responding party must serve its answers and any objections within 30 days after "
        "being served with the interrogatories.",
        served=True,
    ),
    Rule(
        "FED-PRODUCTION-RESPONSE",
        J,
        "document-requests-served",
        "Written response to requests for production",
        30,
        "FRCP 34(b)(2)(A)",
        "The party to whom a request for production is directed must respond in writing within "
        "30 days after being served.",
        served=True,
    ),
    Rule(
        "FED-ADMISSIONS-RESPONSE",
        J,
        "admission-requests-served",
        "Answers to requests for admission (or they are admitted)",
        30,
        "FRCP 36(a)(3)",
        "A matter is admitted unless, within 30 days after being served, the party serves a "
        "written answer or objection addressed to it.",
        served=True,
    ),
    Rule(
        "FED-MAGISTRATE-OBJECTIONS",
        J,
        "magistrate-order-served",
        "Objections to the magistrate judge's order or recommendation",
        14,
        "FRCP 72(a), 72(b)(2)",
        "A party may serve and file objections within 14 days after being served with a copy of "
        "a magistrate judge's order or recommended disposition.",
        served=True,
    ),
    Rule(
        "FED-SUMMARY-JUDGMENT",
        J,
        "discovery-closed",
        "Last day to move for summary judgment",
        30,
        "FRCP 56(b)",
        "Unless a local rule or court order says otherwise, a party may file a motion for "
        "summary judgment at any time until 30 days after the close of all discovery.",
    ),
    Rule(
        "FED-MOTION-NOTICE",
        J,
        "hearing-set",
        "Serve the written motion and notice of hearing",
        14,
        "FRCP 6(c)(1)",
        "A written motion and notice of the hearing must be served at least 14 days before the "
        "time specified for the hearing.",
        before=True,
        served=True,
    ),
    Rule(
        "FED-OPPOSING-AFFIDAVIT",
        J,
        "hearing-set",
        "Serve opposing affidavits",
        7,
        "FRCP 6(c)(2)",
        "Any opposing affidavit must be served at least 7 days before the hearing, unless the "
        "court permits service at another time.",
        before=True,
        served=True,
    ),
    Rule(
        "FED-EXPERT-DISCLOSURE",
        J,
        "trial-set",
        "Expert witness disclosures",
        90,
        "FRCP 26(a)(2)(D)(i)",
        "Absent a stipulation or court order, expert disclosures must be made at least 90 days "
        "before the date set for trial.",
        before=True,
    ),
    Rule(
        "FED-PRETRIAL-DISCLOSURE",
        J,
        "trial-set",
        "Pretrial disclosures (witnesses and exhibits)",
        30,
        "FRCP 26(a)(3)(B)",
        "Unless the court orders otherwise, pretrial disclosures must be made at least 30 days "
        "before trial.",
        before=True,
    ),
    Rule(
        "FED-JMOL-RENEWED",
        J,
        "judgment-entered",
        "Renewed motion for judgment as a matter of law",
        28,
        "FRCP 50(b)",
        "A renewed motion for judgment as a matter of law must be filed no later than 28 days "
        "after the entry of judgment.",
    ),
    Rule(
        "FED-AMEND-FINDINGS",
        J,
        "judgment-entered",
        "Motion to amend findings",
        28,
        "FRCP 52(b)",
        "A motion to amend the court's findings must be filed no later than 28 days after the "
        "entry of judgment.",
    ),
    Rule(
        "FED-NEW-TRIAL",
        J,
        "judgment-entered",
        "Motion for a new trial",
        28,
        "FRCP 59(b)",
        "A motion for a new trial must be filed no later than 28 days after the entry of judgment.",
    ),
    Rule(
        "FED-ALTER-JUDGMENT",
        J,
        "judgment-entered",
        "Motion to alter or amend the judgment",
        28,
        "FRCP 59(e)",
        "A motion to alter or amend a judgment must be filed no later than 28 days after the "
        "entry of the judgment.",
    ),
    Rule(
        "FED-ATTORNEY-FEES",
        J,
        "judgment-entered",
        "Motion for attorney's fees",
        14,
        "FRCP 54(d)(2)(B)(i)",
        "Unless a statute or order provides otherwise, a motion for attorney's fees must be "
        "filed no later than 14 days after the entry of judgment.",
    ),
    Rule(
        "FED-NOTICE-OF-APPEAL",
        J,
        "judgment-entered",
        "Notice of appeal",
        30,
        "FRAP 4(a)(1)(A); FRAP 26(a)",
        "In a civil case the notice of appeal must be filed with the district clerk within 30 "
        "days after entry of the judgment (60 days if the United States is a party).",
    ),
)
