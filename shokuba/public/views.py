"""The public site (no login): the network, members, organisations, job postings, open data, feeds and the sitemap.

Language: `?lang=en` in the address, else Japanese — never a cookie or the browser (like the respondents' pages), so
every URL is one document in one language, which search engines and the canonical links need. Every object comes
from `public.selectors`, which return only what is published (anything else is a 404).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shokuba.core.downloads import attach
from shokuba.core.exports import csv_bytes
from shokuba.network.models import Industry, Member
from shokuba.public import selectors, tilemap
from shokuba.public.forms import MemberFilterForm, OrganisationSearchForm
from shokuba.public.models import JobPosting
from shokuba.public.templatetags.public import language_query
from shokuba.workplace.definitions import INDICATORS_BY_CODE

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/legalcode.ja"
LANGUAGES = ("ja", "en")


def public_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def in_language(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = "en" if request.GET.get("lang") == "en" else settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    return in_language


def site_url(request: HttpRequest, path: str) -> str:
    """An absolute URL: from PUBLIC_SITE_URL when set (production: canonical links must not follow the Host header),
    else from the request."""
    base = getattr(settings, "PUBLIC_SITE_URL", "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    title: str,
    description: str,
    path: str,
    kind: str = "website",
    status: int = 200,
) -> HttpResponse:
    canonical = site_url(request, path + language_query())
    other = translation.get_language() != "en"
    query = {k: v for k, v in request.GET.items() if k != "lang"}
    switch_query = dict(query, lang="en") if other else query
    context.update(
        {
            "title": title,
            "description": description,
            "canonical": canonical,
            "og_type": kind,
            "alternate_ja": site_url(request, path),
            "alternate_en": site_url(request, path + "?lang=en"),
            "switch_href": request.path + ("?" + urlencode(switch_query) if switch_query else ""),
            "switch_lang": "en" if other else "ja",
        }
    )
    return render(request, template, context, status=status)


def _tile_map() -> list[tilemap.Tile]:
    counts = selectors.members_by_prefecture()
    names = dict(selectors.prefectures())
    href = {
        code: reverse("public:members")
        + "?"
        + urlencode({"prefecture": code, **({"lang": "en"} if translation.get_language() == "en" else {})})
        for code in counts
    }
    titles = {
        code: _("%(prefecture)s：参加自治体%(n)d") % {"prefecture": names.get(code, code), "n": counts.get(code, 0)}
        for code in tilemap.TILES
    }
    return tilemap.tiles({c: tilemap.short_name(n) for c, n in names.items()}, counts, href, titles)


@require_GET
@public_language
def home(request: HttpRequest) -> HttpResponse:
    members = selectors.member_list()
    tiles = _tile_map()
    return _page(
        request,
        "public/home.html",
        {
            "members": members,
            "member_count": len(members),
            "prefecture_count": sum(1 for t in tiles if t.members),
            "published_count": sum(1 for m in members if getattr(m, "public", False)),
            "tiles": tiles,
            "view_box": tilemap.view_box(),
            "tile_size": tilemap.SIZE,
            "postings": selectors.open_postings().count(),
        },
        title=_("地域働き方・職場改革ネットワーク"),
        description=_(
            "全国の自治体が地域の企業・団体とともに働き方と職場を改革するネットワーク。参加自治体の取組、企業・団体の職場の指標と求人、オープンデータ。"
        ),
        path=reverse("public:home"),
    )


@require_GET
@public_language
def members(request: HttpRequest) -> HttpResponse:
    prefectures = selectors.prefectures()
    form = MemberFilterForm(request.GET or None, prefectures=prefectures, regions=selectors.region_blocks())
    chosen = form.cleaned_data if form.is_valid() else {}
    found = selectors.member_list(
        kind=chosen.get("kind", ""), prefecture=chosen.get("prefecture", ""), region=chosen.get("region", "")
    )
    return _page(
        request,
        "public/members.html",
        {"form": form, "members": found},
        title=_("参加自治体"),
        description=_("地域働き方・職場改革ネットワークに参加する自治体の一覧（種別・都道府県・ブロックで絞り込み）。"),
        path=reverse("public:members"),
        status=200 if form.is_valid() or not request.GET else 400,
    )


@require_GET
@public_language
def member(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.public_member(code)
    page = selectors.member_page(found)
    # The plan and survey part is rendered once per cache key (the key changes with what may be shown).
    plan_html: str = str(
        cache.get_or_set(
            page.cache_key + ":html",
            lambda: render_to_string("public/_member_plan.html", {"page": page}),
            getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 600),
        )
    )
    return _page(
        request,
        "public/member.html",
        {
            "page": page,
            "member": found,
            "years": selectors.member_years(found),
            "plan_html": mark_safe(plan_html),  # noqa: S308 - our template's output
            # One reverse() for the 200 organisations' links, not one each.
            "organisation_href": reverse("public:organisations"),
            "language_query": language_query(),
        },
        title=str(found),
        description=(page.publication.summary[:120] or _("%(member)sの働き方・職場改革の取組。") % {"member": found}),
        path=reverse("public:member", args=[found.pk]),
        kind="article",
    )


@require_GET
@public_language
def case(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.public_case(pk)
    story = found.card.case
    return _page(
        request,
        "public/case.html",
        {"found": found, "case": story, "member": story.member},
        title=f"{story.title}｜{story.member}",
        description=found.card.excerpt,
        path=reverse("public:case", args=[pk]),
        kind="article",
    )


def _search(form: OrganisationSearchForm) -> list[selectors.OrganisationCard]:
    data = form.cleaned_data
    minimums = tuple(
        (code, float(data[code]))
        for code, way in selectors.HEADLINE_INDICATORS
        if way == "min" and data.get(code) is not None
    )
    maximums = tuple(
        (code, float(data[code]))
        for code, way in selectors.HEADLINE_INDICATORS
        if way == "max" and data.get(code) is not None
    )
    return selectors.organisation_search(
        selectors.OrganisationFilter(
            prefecture=data.get("prefecture") or "",
            member=data.get("member") or "",
            industry=data.get("industry") or "",
            minimums=minimums,
            maximums=maximums,
            flexible=data.get("flexible") or "",
        )
    )


@require_GET
@public_language
def organisations(request: HttpRequest) -> HttpResponse:
    form = OrganisationSearchForm(
        request.GET or None,
        prefectures=selectors.prefectures(),
        members=[(m.pk, str(m)) for m in selectors.published_members()],
    )
    valid = form.is_valid() if request.GET else True
    if not request.GET:
        form.cleaned_data = {}
    cards = _search(form) if valid else []
    headline = [(code, INDICATORS_BY_CODE[code]) for code, _way in selectors.HEADLINE_INDICATORS]
    return _page(
        request,
        "public/organisations.html",
        {
            "form": form,
            "cards": cards,
            "headline": [code for code, _i in headline],
            "industries": dict(Industry.choices),
        },
        title=_("企業・団体を探す"),
        description=_(
            "参加企業・団体が公表している女性管理職比率、男性の育児休業等取得率、有給休暇の取得率、残業時間、認定、柔軟な働き方、採用ページ。"
        ),
        path=reverse("public:organisations"),
        status=200 if valid else 400,
    )


@require_GET
@public_language
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    card = selectors.public_organisation(pk)
    postings = list(selectors.open_postings().filter(organisation=card.organisation))
    return _page(
        request,
        "public/organisation.html",
        {"card": card, "organisation": card.organisation, "postings": postings, "industries": dict(Industry.choices)},
        title=card.organisation.name,
        description=(
            card.organisation.public_profile.introduction[:120]
            or _("%(name)sの職場の指標と求人。") % {"name": card.organisation.name}
        ),
        path=reverse("public:organisation", args=[pk]),
        kind="profile",
    )


@require_GET
@public_language
def jobs(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "public/jobs.html",
        {"postings": list(selectors.open_postings())},
        title=_("求人"),
        description=_("参加企業・団体の募集中の求人。Atom・JSON Feed でも配信しています。"),
        path=reverse("public:jobs"),
    )


def _salary(posting: JobPosting) -> dict[str, Any] | None:
    if posting.salary_min is None and posting.salary_max is None:
        return None
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": posting.salary_unit}
    if posting.salary_min is not None and posting.salary_max is not None and posting.salary_min == posting.salary_max:
        value["value"] = posting.salary_min
    else:
        if posting.salary_min is not None:
            value["minValue"] = posting.salary_min
        if posting.salary_max is not None:
            value["maxValue"] = posting.salary_max
    return {"@type": "MonetaryAmount", "currency": "JPY", "value": value}


def job_posting_data(request: HttpRequest, posting: JobPosting) -> dict[str, Any]:
    """schema.org JobPosting (the properties Google for Jobs and others read)."""
    organisation = posting.organisation
    profile = organisation.public_profile
    hiring: dict[str, Any] = {
        "@type": "Organization",
        "name": organisation.name,
        "url": site_url(request, reverse("public:organisation", args=[organisation.pk])),
    }
    if profile.recruiting_url:
        hiring["sameAs"] = profile.recruiting_url
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": posting.description,
        "identifier": {"@type": "PropertyValue", "name": organisation.name, "value": str(posting.pk)},
        "datePosted": posting.published_on.isoformat() if posting.published_on else None,
        "validThrough": f"{posting.valid_through.isoformat()}T23:59:59+09:00",
        "employmentType": posting.employment_type,
        "hiringOrganization": hiring,
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressRegion": posting.location.prefecture_name,
                "addressLocality": posting.location.city_name or posting.location.prefecture_name,
                "addressCountry": "JP",
            },
        },
        "url": site_url(request, reverse("public:job", args=[posting.pk])),
    }
    salary = _salary(posting)
    if salary:
        data["baseSalary"] = salary
    return data


def ld_json(data: Any) -> SafeString:
    """JSON for a <script type="application/ld+json"> data block: <, > and & escaped as in Django's json_script, so
    no text of the posting can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=None)
    return mark_safe(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))  # noqa: S308


@require_GET
@public_language
def job(request: HttpRequest, pk: int) -> HttpResponse:
    posting = selectors.public_posting(pk)
    return _page(
        request,
        "public/job.html",
        {
            "posting": posting,
            "organisation": posting.organisation,
            "ld_json": ld_json(job_posting_data(request, posting)),
        },
        title=f"{posting.title}｜{posting.organisation.name}",
        description=posting.description[:120],
        path=reverse("public:job", args=[pk]),
        kind="article",
    )


@require_GET
def jobs_atom(request: HttpRequest) -> HttpResponse:
    with translation.override(settings.LANGUAGE_CODE):
        feed = Atom1Feed(
            title=_("地域働き方・職場改革ネットワーク 参加企業・団体の求人"),
            link=site_url(request, reverse("public:jobs")),
            description=_("参加企業・団体の募集中の求人"),
            language="ja",
            feed_url=site_url(request, reverse("public:jobs_atom")),
            feed_guid=site_url(request, reverse("public:jobs_atom")),
        )
        for posting in selectors.open_postings()[:500]:
            link = site_url(request, reverse("public:job", args=[posting.pk]))
            feed.add_item(
                title=f"{posting.title}｜{posting.organisation.name}",
                link=link,
                description=posting.description,
                unique_id=link,
                pubdate=dt.datetime.combine(posting.published_on or posting.valid_through, dt.time(), dt.UTC),
                updateddate=posting.updated_at,
                author_name=posting.organisation.name,
                categories=[posting.get_employment_type_display(), posting.location.full_name],
            )
        body = feed.writeString("utf-8")
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@require_GET
def jobs_json(request: HttpRequest) -> JsonResponse:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) with each item's schema.org JobPosting under
    `_job_posting` (a JSON Feed extension: keys starting with an underscore)."""
    with translation.override(settings.LANGUAGE_CODE):
        items = []
        for posting in selectors.open_postings()[:500]:
            link = site_url(request, reverse("public:job", args=[posting.pk]))
            items.append(
                {
                    "id": link,
                    "url": link,
                    "title": f"{posting.title}｜{posting.organisation.name}",
                    "content_text": posting.description,
                    "date_published": dt.datetime.combine(
                        posting.published_on or posting.valid_through, dt.time(), dt.UTC
                    ).isoformat(),
                    "date_modified": posting.updated_at.isoformat(),
                    "authors": [{"name": posting.organisation.name}],
                    "tags": [posting.get_employment_type_display(), posting.location.full_name],
                    "_job_posting": job_posting_data(request, posting),
                }
            )
        body = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": _("地域働き方・職場改革ネットワーク 参加企業・団体の求人"),
            "home_page_url": site_url(request, reverse("public:jobs")),
            "feed_url": site_url(request, reverse("public:jobs_json")),
            "language": "ja",
            "items": items,
        }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/feed+json; charset=utf-8"
    return response


# --- open data ------------------------------------------------------------------------------------------------


@require_GET
@public_language
def open_data(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "public/open_data.html",
        {"catalogue": selectors.catalogue(), "licence_url": LICENCE_URL},
        title=_("オープンデータ"),
        description=_(
            "参加自治体ごと・年度ごとの公表集計（CSV・JSON）。クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）。"
        ),
        path=reverse("public:open_data"),
    )


def dictionary_rows() -> list[dict[str, str]]:
    return [{"column": c, "header": h, "definition": d} for c, h, d in selectors.DATASET_COLUMNS]


@require_GET
@public_language
def open_data_dictionary(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "public/dictionary.html",
        {"columns": dictionary_rows(), "licence_url": LICENCE_URL},
        title=_("データ辞書"),
        description=_("オープンデータの列の定義。"),
        path=reverse("public:open_data_dictionary"),
    )


@require_GET
def open_data_dictionary_csv(request: HttpRequest) -> HttpResponse:
    with translation.override(settings.LANGUAGE_CODE):
        body = csv_bytes(
            ["column", "header", "definition"], ([r["column"], r["header"], r["definition"]] for r in dictionary_rows())
        )
    return attach(HttpResponse(body, content_type="text/csv; charset=utf-8"), "dictionary.csv", fallback="dictionary")


ATTRIBUTION = "地域働き方・職場改革ネットワーク「{member} {year}年度 公表集計」（CC BY 4.0）"


def _dataset(code: str, year: int) -> tuple[Member, list[selectors.DatasetRow]]:
    found = selectors.public_member(code)
    return found, selectors.member_dataset(found, year)


@require_GET
def open_data_file(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """/public/open-data/<code>/<year>.csv (UTF-8 with BOM), <year>.cp932.csv (Shift_JIS for older Excel) and
    <year>.json. Stable URLs: the member's code and the fiscal year name the file."""
    with translation.override(settings.LANGUAGE_CODE):
        found, rows = _dataset(code, year)
        headers = [h for _c, h, _d in selectors.DATASET_COLUMNS]
        name = f"shokuba-{found.pk}-{year}"
        if fmt == "json":
            body = {
                "title": f"{found} {year}年度 公表集計",
                "member_code": found.pk,
                "fiscal_year": year,
                "licence": {"name": "CC BY 4.0", "url": LICENCE_URL},
                "attribution": ATTRIBUTION.format(member=found, year=year),
                "dictionary": site_url(request, reverse("public:open_data_dictionary")),
                "generated": timezone.localdate().isoformat(),
                "columns": [c for c, _h, _d in selectors.DATASET_COLUMNS],
                "rows": [
                    dict(zip([c for c, _h, _d in selectors.DATASET_COLUMNS], r.cells(), strict=True)) for r in rows
                ],
            }
            response: HttpResponse = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
            return attach(response, f"{name}.json", inline=True, fallback="open-data")
        encoding = "cp932" if fmt == "cp932.csv" else "utf-8-sig"
        body_bytes = csv_bytes(headers, (r.cells() for r in rows), encoding=encoding)
        charset = "Shift_JIS" if encoding == "cp932" else "utf-8"
        response = HttpResponse(body_bytes, content_type=f"text/csv; charset={charset}")
        return attach(response, f"{name}{'-cp932' if encoding == 'cp932' else ''}.csv", fallback="open-data")


# --- sitemap --------------------------------------------------------------------------------------------------


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every public page (in Japanese, with its English alternate), every open-data file."""
    pages: list[str] = [
        reverse(name)
        for name in (
            "public:home",
            "public:members",
            "public:organisations",
            "public:jobs",
            "public:open_data",
            "public:open_data_dictionary",
        )
    ]
    pages += [reverse("public:member", args=[m.pk]) for m in selectors.published_members()]
    pages += [reverse("public:organisation", args=[o.pk]) for o in selectors.published_organisations()]
    pages += [reverse("public:job", args=[p.pk]) for p in selectors.open_postings()]
    pages += [reverse("public:case", args=[c.pk]) for c in selectors.public_cases()]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for path in pages:
        ja, en = escape(site_url(request, path)), escape(site_url(request, path + "?lang=en"))
        lines.append(
            f"<url><loc>{ja}</loc>"
            f'<xhtml:link rel="alternate" hreflang="ja" href="{ja}"/>'
            f'<xhtml:link rel="alternate" hreflang="en" href="{en}"/></url>'
        )
    for found, years in selectors.catalogue():
        for year in years:
            for fmt in ("csv", "json"):
                path = reverse("public:open_data_file", args=[found.pk, year, fmt])
                lines.append(f"<url><loc>{escape(site_url(request, path))}</loc></url>")
    lines.append("</urlset>")
    return HttpResponse("\n".join(lines), content_type="application/xml; charset=utf-8")
