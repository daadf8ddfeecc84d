"""Police service areas from municipal boundaries (e.g. Statistics Canada census
subdivisions exported as GeoJSON), matched to the directory by name."""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import shapely
from django.db import transaction
from django.utils import timezone
from shapely.geometry import mapping, shape

from requests_app.models import PoliceService
from requests_app.models.directory import search_key

from . import geo
from .models import ServiceArea

# Statistics Canada province codes (PRUID) to postal codes.
PRUID = {
    "10": "NL", "11": "PE", "12": "NS", "13": "NB", "24": "QC", "35": "ON",
    "46": "MB", "47": "SK", "48": "AB", "59": "BC", "60": "YT", "61": "NT", "62": "NU",
}  # fmt: skip
POLICE_WORDS = re.compile(
    r"\b(regional|municipal|city|town|police|service|services|department|force|de|du|la|"
    r"service de police|servicio|ville)\b"
)
# Census subdivision names carry their type or a part marker: "Lloydminster (Part)".
CSD_NOISE = re.compile(r"\((part|partie)\)|/.*$")


class AreaFileError(ValueError):
    pass


@dataclass
class AreaImportReport:
    features: int = 0
    matched: int = 0
    repaired: int = 0
    areas: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    unmatched_features: list[str] = field(default_factory=list)
    services_without_area: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    text = CSD_NOISE.sub("", search_key(text))
    return " ".join(POLICE_WORDS.sub(" ", text).replace("-", " ").split())


def _scalar(value) -> str:
    """A property as text: a string or a number; anything else (a list, an object, true)
    counts as missing."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _province_of(value) -> str:
    value = _scalar(value).upper()
    return PRUID.get(value, value if len(value) == 2 else "")


def _index(services) -> dict[tuple[str, str], list[PoliceService]]:
    """Services by (province, name key); a service is found by its names and its city."""
    index = defaultdict(list)
    for service in services:
        keys = {_key(n) for n in (service.name_en, service.name_fr, service.short_name) if n}
        if service.hq_city:
            keys.add(_key(service.hq_city))
        for key in keys - {""}:
            index[(service.province, key)].append(service)
            index[("", key)].append(service)
    return index


def area_import(
    data,
    *,
    match_property: str,
    province_property: str = "",
    source: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> AreaImportReport:
    """Match features to active local police services and store their areas, all or nothing.

    Features matched to the same service (a regional service covering several
    municipalities) are merged. Invalid geometries are repaired when they can be, otherwise
    rejected; a name that fits no service, or more than one, is reported unmatched.
    """
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise AreaFileError('not a GeoJSON FeatureCollection: no list of "features"')
    services = PoliceService.objects.filter(
        active=True,
        kind__in=[
            PoliceService.Kind.MUNICIPAL,
            PoliceService.Kind.REGIONAL,
            PoliceService.Kind.FIRST_NATIONS,
        ],
    )
    index = _index(services)
    report = AreaImportReport(features=len(data["features"]))
    shapes: dict[int, list] = defaultdict(list)
    names: dict[int, list[str]] = defaultdict(list)
    repaired: dict[int, bool] = defaultdict(bool)
    for number, feature in enumerate(data["features"], start=1):
        if progress:
            progress(number, report.features)
        if not isinstance(feature, dict):
            report.rejected.append((f"feature {number}", "not a GeoJSON feature object"))
            continue
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        name = _scalar(props.get(match_property))[:200]
        label = name or f"feature {number}"
        if not name:
            report.rejected.append((label, f"no {match_property} property"))
            continue
        province = _province_of(props.get(province_property)) if province_property else ""
        candidates = index.get((province, _key(name)), [])
        if len({c.pk for c in candidates}) != 1:
            report.unmatched_features.append(
                name if not candidates else f"{name} (fits several services)"
            )
            continue
        service = candidates[0]
        try:
            clean = geo.clean_area(feature.get("geometry") or {})
        except geo.GeometryError as error:
            report.rejected.append((label, str(error)))
            continue
        report.matched += 1
        if clean.repaired:
            report.repaired += 1
            repaired[service.pk] = True
        shapes[service.pk].append(shape(clean.geometry))
        names[service.pk].append(name)
    by_pk = {s.pk: s for s in services}
    with transaction.atomic():
        for pk, parts in shapes.items():
            merged = shapely.union_all(parts) if len(parts) > 1 else parts[0]
            merged_geojson = geo.clean_area(mapping(merged)).geometry
            min_lon, min_lat, max_lon, max_lat = shape(merged_geojson).bounds
            ServiceArea.objects.update_or_create(
                police_service=by_pk[pk],
                defaults={
                    "geometry": merged_geojson,
                    "simplified": geo.simplified_levels(merged_geojson),
                    "min_lon": min_lon,
                    "min_lat": min_lat,
                    "max_lon": max_lon,
                    "max_lat": max_lat,
                    "source": source[:300],
                    "feature_name": "; ".join(names[pk])[:200],
                    "repaired": repaired[pk],
                    "imported_at": timezone.now(),
                },
            )
            report.areas += 1
    with_area = set(ServiceArea.objects.values_list("police_service_id", flat=True))
    report.services_without_area = sorted(s.name_en for s in services if s.pk not in with_area)
    return report
