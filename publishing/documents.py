"""The annual report (publishing.annual) rendered three ways: an HTML
document, a PDF drawn from that same HTML by WeasyPrint with print styles,
and a Word document by python-docx with real headings, so that Word's table
of contents and navigation work.

Word cannot show the charts' SVG and the platform adds no converter for
it: in the DOCX each chart is a line naming it, and the table that follows
it holds its figures; the charts themselves are in the PDF and HTML.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from nap1325.tables import Table
from publishing.annual import AnnualReport, Block, Chart, Section, Text

LOCALES = {"fr": "fr-FR", "en": "en-GB"}

# WeasyPrint logs every step of every page at INFO, the level the site logs at.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


# --- HTML and PDF ---


@dataclass
class ShownBlock:
    """A block as the templates show it: texts already formatted."""

    kind: str  # "text", "chart" or "table"
    key: str = ""  # a table's name in download links
    title: str = ""
    label: str = ""
    paragraphs: list[str] = field(default_factory=list)
    svg: str = ""
    columns: list[Any] = field(default_factory=list)
    rows: list[list[tuple[str, bool]]] = field(default_factory=list)
    caption: bool = False


@dataclass
class ShownSection:
    key: str
    title: str
    level: int
    heading: str  # h2 for a chapter: the document's title is the h1
    blocks: list[ShownBlock]


def shown_block(block: Block, section: Section) -> ShownBlock:
    if isinstance(block, Text):
        return ShownBlock("text", label=block.label, paragraphs=block.paragraphs)
    if isinstance(block, Chart):
        return ShownBlock("chart", title=block.title, svg=block.svg)
    return ShownBlock(
        "table",
        key=block.key,
        title=block.title,
        columns=block.columns,
        rows=block.cells(),
        caption=block.title != section.title,
    )


def context(report: AnnualReport) -> dict[str, Any]:
    """What the templates need; call with the report's language active."""
    return {
        "report": report,
        "all_contents": True,  # chapters and their parts; a web page lists chapters only
        "generated_on": formats.date_format(report.generated_on, "DATE_FORMAT"),
        "sections": [
            ShownSection(
                section.key,
                section.title,
                section.level,
                f"h{min(section.level + 1, 6)}",
                [shown_block(block, section) for block in section.blocks],
            )
            for section in report.walk()
        ],
    }


def render_html(report: AnnualReport) -> str:
    """The report as one HTML document with its own styles (screen and
    print), nothing fetched from elsewhere."""
    with translation.override(report.language):
        return render_to_string("publishing/annual/document.html", context(report))


def no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Everything the report shows is in its HTML: nothing is fetched."""
    raise ValueError(f"the annual report fetches nothing ({url[:60]})")


def render_pdf(report: AnnualReport) -> bytes:
    """The report as an A4 PDF with page numbers and bookmarks, from the same
    HTML as render_html."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: imported when asked

    pdf = HTML(string=render_html(report), url_fetcher=no_fetching).write_pdf()
    assert pdf is not None
    return pdf


# --- DOCX ---


def render_docx(report: AnnualReport) -> bytes:
    """The report as a Word document: Title, Heading 1-3, a table of
    contents field, tables with repeated header rows, A4 with page numbers."""
    with translation.override(report.language):
        document = Document()
        setup(document, report)
        document.add_paragraph(report.title, style="Title")
        document.add_paragraph(report.subtitle, style="Subtitle")
        document.add_paragraph(
            _("Generated on %(date)s") % {"date": formats.date_format(report.generated_on)}
        )
        for note in report.notes:
            document.add_paragraph().add_run(note).italic = True
        document.add_paragraph().add_run(_("Contents")).bold = True
        table_of_contents(document, report)
        for section in report.walk():
            if section.level == 1:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            document.add_heading(section.title, level=section.level)
            for block in section.blocks:
                add_block(document, block, section)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def setup(document: WordDocument, report: AnnualReport) -> None:
    properties = document.core_properties
    properties.title = report.title
    properties.subject = report.subtitle
    properties.language = LOCALES.get(report.language, report.language)
    properties.author = "nap1325"
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    # The language Word checks spelling in; elements in the order the schema sets.
    properties_of_runs = normal.element.get_or_add_rPr()
    language = properties_of_runs.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties_of_runs.insert_element_before(
            language, "w:eastAsianLayout", "w:specVanish", "w:oMath"
        )
    language.set(qn("w:val"), LOCALES.get(report.language, report.language))
    for page in document.sections:
        page.orientation = WD_ORIENT.PORTRAIT
        page.page_width, page.page_height = Cm(21), Cm(29.7)
        page.left_margin = page.right_margin = Cm(2)
        page.top_margin = page.bottom_margin = Cm(2)
        footer = page.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(f"{report.title} · ")
        add_field(footer, "PAGE", "1")


def add_field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """A simple Word field (PAGE, NUMPAGES), shown as `cached` until updated."""
    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = cached
    run.append(text)
    field_element.append(run)
    paragraph._p.append(field_element)


def field_char(paragraph: Paragraph, kind: str) -> None:
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def table_of_contents(document: WordDocument, report: AnnualReport) -> None:
    """Word's TOC field over Heading 1-2. Until Word updates it (it offers
    to when the file opens) it lists the headings without page numbers."""
    entries = report.contents
    first = document.add_paragraph()
    field_char(first, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = ' TOC \\o "1-2" \\h \\z \\u '
    first.add_run()._r.append(instruction)
    field_char(first, "separate")
    paragraph = first
    for index, section in enumerate(entries):
        if index:
            paragraph = document.add_paragraph()
        if section.level > 1:
            paragraph.paragraph_format.left_indent = Cm(0.6)
        paragraph.add_run(section.title)
    field_char(paragraph, "end")
    update = OxmlElement("w:updateFields")  # Word offers to fill in the page numbers
    update.set(qn("w:val"), "true")
    document.settings.element.insert_element_before(
        update, "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
        "w:rsids", "m:mathPr",
    )  # fmt: skip


def add_block(document: WordDocument, block: Block, section: Section) -> None:
    if isinstance(block, Text):
        for number, text in enumerate(block.paragraphs):
            paragraph = document.add_paragraph()
            if block.label and number == 0:
                paragraph.add_run(f"{block.label}. ").bold = True
            lines = text.splitlines()
            for line_number, line in enumerate(lines, start=1):
                run = paragraph.add_run(line)
                if line_number < len(lines):
                    run.add_break()
        return
    if isinstance(block, Chart):
        note = _(
            "Chart: %(title)s. The charts are in the PDF and web versions of this report; "
            "the table that follows holds its figures."
        ) % {"title": block.title}
        document.add_paragraph().add_run(note).italic = True
        return
    if block.title != section.title:
        document.add_paragraph().add_run(block.title).bold = True
    add_table(document, block)


def add_table(document: WordDocument, table: Table) -> WordTable:
    word = document.add_table(rows=1, cols=len(table.columns))
    word.style = document.styles["Table Grid"]
    word.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = word.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, column in zip(header.cells, table.columns, strict=True):
        write_cell(cell, column.title, numeric=column.numeric, bold=True)
    for values in table.cells():
        row = word.add_row()
        keep = OxmlElement("w:cantSplit")
        keep.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(keep)
        for cell, (text, numeric) in zip(row.cells, values, strict=True):
            write_cell(cell, text, numeric=numeric)
    document.add_paragraph()
    return word


def write_cell(cell: Any, text: str, *, numeric: bool, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.font.size = Pt(8)
    run.bold = bold
    if numeric:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
