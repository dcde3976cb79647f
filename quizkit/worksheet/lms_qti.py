"""QTI 1.2 as Canvas (and Blackboard) import it: a zip of ``imsmanifest.xml``, one assessment
``<id>/<id>.xml`` and Canvas's ``<id>/assessment_meta.xml``.

The items follow the structure text2qti (a maintained Canvas QTI generator) writes —
``itemmetadata`` with ``question_type`` and ``points_possible``, a ``presentation`` with
``response_lid``/``response_str``, ``resprocessing`` with ``respcondition``s setting ``SCORE`` —
and the tests compare element paths with text2qti's own output. It is written here rather than
through text2qti because text2qti rounds numeric bounds to 4 decimals, refuses answers smaller
than 10⁻⁴ in magnitude, and has no per-answer feedback for numbers.

- one number: ``numerical_question`` with the truth's accepted range (``vargte``/``varlte``,
  bounds from the checker's own tolerance, rounded inward), then one condition per
  misconception (its own range, disjoint from the truth's) showing its feedback.
- shapes and lists: Canvas has no numeric multi-blank question, so a question group (a
  ``section`` picking all its items) of one numerical question per element, each worth
  ``points / n``.
- choices and legal-or-not: ``multiple_choice_question``; statements:
  ``true_false_question``; non-finite values: ``short_answer_question``.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from fractions import Fraction
from html import escape

from quizkit.worksheet.build import Item
from quizkit.worksheet.lms import (
    Blank,
    QType,
    blank_note,
    blanks,
    choices,
    plain_number,
    prompt_html,
    qtype,
    solution_html,
    title,
)

NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
SCHEMA = f"{NAMESPACE} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
QUIZ_TITLE = "quizkit question bank"
# A fixed timestamp keeps the zip byte-identical from run to run.
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def render(items: list[Item]) -> bytes:
    """The export as a QTI zip."""
    ident = "quizkit_" + _digest("|".join(item.question.id for item in items))
    points = sum(item.points for item in items)
    files = {
        "imsmanifest.xml": manifest(ident),
        f"{ident}/{ident}.xml": assessment(ident, items),
        f"{ident}/assessment_meta.xml": assessment_meta(ident, points),
    }
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("non_cc_assessments/", _ZIP_TIME), b"")
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), text.encode("utf-8"))
    return stream.getvalue()


def assessment(ident: str, items: list[Item]) -> str:
    """The ``questestinterop`` document holding every item."""
    body = "".join(_item_or_group(item) for item in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<questestinterop xmlns="{NAMESPACE}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{SCHEMA}">\n'
        f'  <assessment ident="{ident}" title="{escape(QUIZ_TITLE)}">\n'
        "    <qtimetadata><qtimetadatafield><fieldlabel>cc_maxattempts</fieldlabel>"
        "<fieldentry>1</fieldentry></qtimetadatafield></qtimetadata>\n"
        '    <section ident="root_section">\n'
        f"{body}"
        "    </section>\n  </assessment>\n</questestinterop>\n"
    )


def _item_or_group(item: Item) -> str:
    kind = qtype(item)
    if kind is QType.MULTI_NUMERICAL:
        parts = blanks(item)
        share = _decimal(Fraction(item.points, len(parts)))
        inner = "".join(
            _numerical(item, blank, (i, len(parts)), share) for i, blank in enumerate(parts)
        )
        return (
            f'      <section ident="{_ident(item.question.id)}_group" '
            f'title="{escape(title(item))}">\n'
            "        <selection_ordering><selection>"
            f"<selection_number>{len(parts)}</selection_number>"
            f"<selection_extension><points_per_item>{share}</points_per_item>"
            "</selection_extension></selection></selection_ordering>\n"
            f"{inner}      </section>\n"
        )
    if kind is QType.NUMERICAL:
        [blank] = blanks(item)
        return _numerical(item, blank, None, str(item.points))
    if kind in (QType.MULTICHOICE, QType.TRUEFALSE):
        return _choice(item, kind)
    return _short_answer(item)


def _metadata(question_type: str, points: str, answer_ids: list[str], ident: str) -> str:
    fields = {
        "question_type": question_type,
        "points_possible": points,
        "original_answer_ids": ",".join(answer_ids),
        "assessment_question_identifierref": f"{ident}_ref",
    }
    body = "".join(
        f"<qtimetadatafield><fieldlabel>{label}</fieldlabel>"
        f"<fieldentry>{escape(value)}</fieldentry></qtimetadatafield>"
        for label, value in fields.items()
    )
    return f"        <itemmetadata><qtimetadata>{body}</qtimetadata></itemmetadata>\n"


def _material(html: str) -> str:
    return f'<material><mattext texttype="text/html">{escape(html)}</mattext></material>'


def _feedback(ident: str, html: str) -> str:
    return (
        f'        <itemfeedback ident="{ident}"><flow_mat><material>'
        f'<mattext texttype="text/html">{escape(html)}</mattext></material></flow_mat>'
        "</itemfeedback>\n"
    )


def _outcomes() -> str:
    return (
        '          <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" '
        'vartype="Decimal"/></outcomes>\n'
    )


def _general() -> str:
    return (
        '          <respcondition continue="Yes"><conditionvar><other/></conditionvar>'
        '<displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>\n'
    )


def _range(low: str, high: str) -> str:
    return (
        f'<vargte respident="response1">{low}</vargte><varlte respident="response1">{high}</varlte>'
    )


def _numerical(item: Item, blank: Blank, part: tuple[int, int] | None, points: str) -> str:
    ident = _ident(item.question.id) + (f"_{part[0] + 1}" if part else "")
    name = title(item) + (f" [{part[0] + 1}/{part[1]}]" if part else "")
    text = prompt_html(item, suffixes=False)
    if part is not None:
        text += f"<p>{blank_note(*part, item.kind)}</p>"
    low, high = _bounds(blank.text, blank.tolerance)
    conditions = [
        f'          <respcondition continue="No"><conditionvar>{_range(low, high)}</conditionvar>'
        '<setvar action="Set" varname="SCORE">100</setvar></respcondition>\n'
    ]
    feedbacks = [_feedback("general_fb", solution_html(item))]
    for wrong in blank.wrong:
        wlow, whigh = _bounds(wrong.text, wrong.tolerance)
        conditions.append(
            f'          <respcondition continue="Yes"><conditionvar>{_range(wlow, whigh)}'
            f'</conditionvar><displayfeedback feedbacktype="Response" linkrefid="{wrong.name}_fb"/>'
            "</respcondition>\n"
        )
        feedbacks.append(_feedback(f"{wrong.name}_fb", f"<p>{escape(wrong.feedback)}</p>"))
    return (
        f'      <item ident="{ident}" title="{escape(name)}">\n'
        + _metadata("numerical_question", points, [f"{ident}_answer"], ident)
        + "        <presentation>"
        + _material(text)
        + '<response_str ident="response1" rcardinality="Single">'
        '<render_fib fibtype="Decimal"><response_label ident="answer1"/></render_fib>'
        "</response_str></presentation>\n"
        "        <resprocessing>\n"
        + _outcomes()
        + _general()
        + "".join(conditions)
        + "        </resprocessing>\n"
        + "".join(feedbacks)
        + "      </item>\n"
    )


def _choice(item: Item, kind: QType) -> str:
    ident = _ident(item.question.id)
    if kind is QType.TRUEFALSE:
        truth = bool(item.truth.value)
        options = [("True", truth), ("False", not truth)]
        question_type = "true_false_question"
    else:
        options = choices(item)
        question_type = "multiple_choice_question"
    ids = [f"{ident}_{i}" for i in range(len(options))]
    labels = "".join(
        f'<response_label ident="{answer}">{_material(text)}</response_label>'
        for answer, (text, _) in zip(ids, options, strict=True)
    )
    [right] = [answer for answer, (_, correct) in zip(ids, options, strict=True) if correct]
    return (
        f'      <item ident="{ident}" title="{escape(title(item))}">\n'
        + _metadata(question_type, str(item.points), ids, ident)
        + "        <presentation>"
        + _material(prompt_html(item))
        + f'<response_lid ident="response1" rcardinality="Single"><render_choice>{labels}'
        "</render_choice></response_lid></presentation>\n"
        "        <resprocessing>\n"
        + _outcomes()
        + _general()
        + '          <respcondition continue="No"><conditionvar>'
        f'<varequal respident="response1">{right}</varequal></conditionvar>'
        '<setvar action="Set" varname="SCORE">100</setvar></respcondition>\n'
        "        </resprocessing>\n"
        + _feedback("general_fb", solution_html(item))
        + "      </item>\n"
    )


def _short_answer(item: Item) -> str:
    ident = _ident(item.question.id)
    return (
        f'      <item ident="{ident}" title="{escape(title(item))}">\n'
        + _metadata("short_answer_question", str(item.points), [f"{ident}_answer"], ident)
        + "        <presentation>"
        + _material(prompt_html(item))
        + '<response_str ident="response1" rcardinality="Single"><render_fib>'
        '<response_label ident="answer1" rshuffle="No"/></render_fib></response_str>'
        "</presentation>\n"
        "        <resprocessing>\n"
        + _outcomes()
        + _general()
        + '          <respcondition continue="No"><conditionvar>'
        f'<varequal respident="response1">{escape(item.answer)}</varequal></conditionvar>'
        '<setvar action="Set" varname="SCORE">100</setvar></respcondition>\n'
        "        </resprocessing>\n"
        + _feedback("general_fb", solution_html(item))
        + "      </item>\n"
    )


def _bounds(text: str, tolerance: str) -> tuple[str, str]:
    """``text ± tolerance`` as exact decimals (the tolerance is already rounded inward)."""
    centre, width = Fraction(text), Fraction(tolerance)
    return _decimal(centre - width), _decimal(centre + width)


def _decimal(value: Fraction) -> str:
    """An exact decimal for a fraction whose denominator divides a power of ten, else 15 digits."""
    denominator = value.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    if denominator == 1:
        sign = "-" if value < 0 else ""
        places = 0
        while (abs(value) * 10**places).denominator != 1:
            places += 1
        units = int(abs(value) * 10**places)
        whole, rest = divmod(units, 10**places)
        text = f"{whole}.{rest:0{places}d}".rstrip("0").rstrip(".") if places else str(whole)
        return sign + text
    return plain_number(float(f"{float(value):.15g}"))


def _ident(question_id: str) -> str:
    return "q_" + question_id.replace("@", "_").replace("-", "_")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def manifest(ident: str) -> str:
    """``imsmanifest.xml``: the assessment and its Canvas metadata as resources."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest identifier="{ident}_manifest" '
        'xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">\n'
        "  <metadata><schema>IMS Content</schema><schemaversion>1.1.3</schemaversion></metadata>\n"
        "  <organizations/>\n  <resources>\n"
        f'    <resource identifier="{ident}" type="imsqti_xmlv1p2">'
        f'<file href="{ident}/{ident}.xml"/><dependency identifierref="{ident}_meta"/></resource>\n'
        f'    <resource identifier="{ident}_meta" '
        'type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
        f'href="{ident}/assessment_meta.xml"><file href="{ident}/assessment_meta.xml"/></resource>\n'
        "  </resources>\n</manifest>\n"
    )


def assessment_meta(ident: str, points: int) -> str:
    """Canvas's quiz settings beside the QTI: title, points, one attempt, answers shown."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<quiz identifier="{ident}" xmlns="http://canvas.instructure.com/xsd/cccv1p0">\n'
        f"  <title>{escape(QUIZ_TITLE)}</title>\n"
        "  <shuffle_answers>false</shuffle_answers>\n"
        "  <scoring_policy>keep_highest</scoring_policy>\n"
        "  <quiz_type>assignment</quiz_type>\n"
        f"  <points_possible>{points}</points_possible>\n"
        "  <show_correct_answers>true</show_correct_answers>\n"
        "  <allowed_attempts>1</allowed_attempts>\n"
        f'  <assignment identifier="{ident}_assignment"><title>{escape(QUIZ_TITLE)}</title>'
        f"<points_possible>{points}</points_possible><grading_type>points</grading_type>"
        "</assignment>\n"
        "</quiz>\n"
    )
