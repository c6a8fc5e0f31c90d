"""schema.org data (JSON-LD) for search engines, only what the archive holds, built from
the objects a page has already loaded (no query of its own) and escaped so that nothing
in it can end its ``<script type="application/ld+json">`` element.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

SCHEMA = "https://schema.org"

# The characters json_script escapes: nothing in the JSON can close the element or start
# a comment or an entity. Three replace() calls, the quickest way (docs/performance.md).
_ESCAPES = ((">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026"))


def to_script(data):
    """``data`` as a JSON-LD script element (safe HTML)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _ESCAPES:
        text = text.replace(character, escaped)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def _absolute(request, path):
    return request.build_absolute_uri(path)


def chair(request, identity):
    """The chair the projects belong to, inside its university (``SiteIdentity``)."""
    university = {"@type": "CollegeOrUniversity", "name": identity.institution}
    if identity.institution_url:
        university["url"] = identity.institution_url
    data = {"@type": "Organization", "name": identity.chair, "parentOrganization": university}
    if identity.head:
        data["employee"] = {"@type": "Person", "name": identity.head}
    if identity.contact_email_address:
        data["email"] = identity.contact_email_address
    if identity.has_logo:
        data["logo"] = _absolute(request, identity.logo_fallback.url)
    return data


def organisation(request, org, *names_as_listed):
    """An organisation, with its identifiers (Crossref Funder ID, ROR) and, as alternate
    names, its short name and the names a project lists it under."""
    url = _absolute(request, org.get_absolute_url())
    data = {"@type": "Organization", "@id": url + "#organisation", "name": org.name, "url": url}
    alternate = []
    for name in (org.short_name, *names_as_listed):
        if name and name != org.name and name not in alternate:
            alternate.append(name)
    if alternate:
        data["alternateName"] = alternate
    same_as = [url for url in (org.website, org.ror_id, org.crossref_url) if url]
    if same_as:
        data["sameAs"] = same_as
    identifiers = []
    if org.crossref_funder_id:
        identifiers.append(
            {
                "@type": "PropertyValue",
                "propertyID": "Crossref Funder ID",
                "value": org.crossref_funder_id,
                "url": org.crossref_url,
            }
        )
    if org.ror_id:
        identifiers.append(
            {"@type": "PropertyValue", "propertyID": "ROR", "value": org.ror_id, "url": org.ror_id}
        )
    if identifiers:
        data["identifier"] = identifiers
    return data


def person(request, someone):
    url = _absolute(request, someone.get_absolute_url())
    data = {
        "@type": "Person",
        "@id": url + "#person",
        "name": someone.plain_name,
        "givenName": someone.given_name,
        "familyName": someone.family_name,
        "url": url,
    }
    if someone.title_before:
        data["honorificPrefix"] = someone.title_before
    if someone.title_after:
        data["honorificSuffix"] = someone.title_after
    if someone.affiliation:
        data["affiliation"] = {"@type": "Organization", "name": someone.affiliation}
    if someone.orcid:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "ORCID",
            "value": someone.orcid,
            "url": someone.orcid_url,
        }
        data["sameAs"] = [someone.orcid_url]
    return data


def grant(funding, data):
    """``data`` (a MonetaryGrant) with the funding's grant number, where known."""
    if funding.grant_number:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "Förderkennzeichen",
            "value": funding.grant_number,
        }
    return data


def _month(month):
    return month.isoformat() if month else None


def project(request, item, identity):
    """A project as a ResearchProject: its funders and grants, members and their roles;
    ``identity`` is the site's (``pages.models.SiteIdentity``)."""
    url = _absolute(request, item.get_absolute_url())
    data = {
        "@context": SCHEMA,
        "@type": "ResearchProject",
        "@id": url + "#project",
        "name": item.title,
        "url": url,
        "inLanguage": get_language(),
        "foundingDate": _month(item.start),
        "parentOrganization": chair(request, identity),
    }
    if item.end:
        data["dissolutionDate"] = _month(item.end)
    teaser = item.teaser
    if teaser:
        data["description"] = teaser
    alternate = [name for name in (item.code, item.acronym, item.subtitle) if name]
    if alternate:
        data["alternateName"] = alternate
    fundings = list(item.fundings.all())
    if fundings:
        data["funder"] = [
            organisation(
                request,
                funding.organisation,
                funding.name_as_listed,
                funding.short_name_as_listed,
            )
            for funding in fundings
        ]
        data["funding"] = [
            grant(
                funding,
                {
                    "@type": "MonetaryGrant",
                    "name": f"{funding.get_kind_display()}: {funding.display_name}",
                    "funder": {
                        "@id": _absolute(request, funding.organisation.get_absolute_url())
                        + "#organisation"
                    },
                    "fundedItem": {"@id": url + "#project"},
                },
            )
            for funding in fundings
        ]
    members = []
    for role in item.roles.all():
        if role.person is None:
            continue
        member = person(request, role.person)
        members.append(
            {
                "@type": "OrganizationRole",
                "roleName": role.kind.name + (f" ({_('ehemals')})" if role.is_former else ""),
                "member": member,
            }
        )
    # Partner organisations are members of the project, as organisations may be.
    members += [organisation(request, partner) for partner in item.partners.all()]
    if members:
        data["member"] = members
    return data


def person_page(request, someone, roles):
    """A person's page: the Person and, for each role, the project as a memberOf role."""
    data = {"@context": SCHEMA, **person(request, someone)}
    member_of = [
        {
            "@type": "OrganizationRole",
            "roleName": role.kind.name + (f" ({_('ehemals')})" if role.is_former else ""),
            "memberOf": {
                "@type": "ResearchProject",
                "name": role.project.title,
                "url": _absolute(request, role.project.get_absolute_url()),
            },
        }
        for role in roles
    ]
    if member_of:
        data["memberOf"] = member_of
    return data


def organisation_page(request, org, fundings):
    """An organisation's page: the organisation and its grants to the projects it funds."""
    org_data = organisation(request, org)
    grants = [
        grant(
            funding,
            {
                "@type": "MonetaryGrant",
                "name": f"{funding.get_kind_display()}: {funding.display_name}",
                "funder": {"@id": org_data["@id"]},
                "fundedItem": {
                    "@type": "ResearchProject",
                    "name": funding.project.title,
                    "url": _absolute(request, funding.project.get_absolute_url()),
                },
            },
        )
        for funding in fundings
    ]
    return {"@context": SCHEMA, "@graph": [org_data, *grants]}


def website(request, identity):
    """The site itself, with its search: search engines may offer a search box."""
    home = _absolute(request, reverse("projects:index"))
    search_url = _absolute(request, reverse("search:search"))
    return {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": identity.title,
        "url": home,
        "publisher": chair(request, identity),
        "inLanguage": get_language(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search_url + "?q={search_term}"},
            "query-input": "required name=search_term",
        },
    }
