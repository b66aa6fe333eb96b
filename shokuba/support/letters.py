"""The referral letter: one A4 PDF (ReportLab, the shipped IPAexGothic embedded, as plans' report) that the
member or organisation takes to the body it is referred to. It names the body, the member, the organisations
referred, the reason and the support team's contact; nothing internal."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer  # type: ignore[import-untyped]

from shokuba.support.models import ReferralRecord
from shokuba.surveys.distribution import pdf_font


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def referral_letter_pdf(record: ReferralRecord) -> bytes:
    """Always in Japanese: the letter goes to a Japanese public body, whatever language the page is in."""
    with translation.override("ja"):
        return _letter(record)


def _letter(record: ReferralRecord) -> bytes:
    font = pdf_font()
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=12)
    head = ParagraphStyle("head", parent=base, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4)
    right = ParagraphStyle("right", parent=base, alignment=2)
    consultation = record.consultation
    body = record.body
    story = [
        _para(timezone.localtime(record.referred_at).strftime("%Y年%m月%d日"), right),
        _para(_("ご紹介状"), title),
        _para(_("%(body)s　御中") % {"body": record.body_name}, head),
        Spacer(1, 4 * mm),
        _para(
            _(
                "地域働き方・職場改革ネットワークの支援チームから、下記の相談についてご支援をお願いしたく、ご紹介いたします。"
                "ご本人（自治体）の同意を得ています。"
            ),
            base,
        ),
        _para(_("紹介する方"), head),
        _para(
            str(consultation.member)
            + (_("（自治体として）") if record.for_member else "")
            + "".join(f"\n・{o.name}" for o in record.organisations.all()),
            base,
        ),
        _para(_("相談のテーマ"), head),
        _para(f"{consultation.get_theme_display()}：{consultation.title}", base),
        _para(_("ご紹介の理由"), head),
        _para(record.reason, base),
    ]
    if body is not None:
        contact = [body.name]
        if body.url:
            contact.append(body.url)
        if body.phone:
            contact.append(_("電話 %(phone)s") % {"phone": body.phone})
        if body.address:
            contact.append(body.address)
        if not body.verified:
            contact.append(
                _("（この連絡先は未確認です。出典：%(source)s）") % {"source": body.source_url or body.source_title}
            )
        story += [_para(_("紹介先の連絡先"), head), _para("\n".join(contact), base)]
    story += [
        _para(_("紹介元"), head),
        _para(
            _("地域働き方・職場改革ネットワーク 支援チーム（担当：%(name)s）") % {"name": str(record.referred_by)},
            base,
        ),
    ]
    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=_("ご紹介状"),
        author="Shokuba",
    )
    document.build(story)
    return out.getvalue()
