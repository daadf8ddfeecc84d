"""The map's pre-building: as soon as the data changes, a task does what the first visitor
after the change would otherwise wait for (the coverage bodies the map page asks for, the
camera grid of the low zooms, the camera exports). Everything it builds is also built on
demand, so a lost task only makes one visitor wait."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from requests_app import selectors as requests_selectors
from requests_app.tasks import task_queue

from . import exports, selectors, signals
from .api import coverage_cache
from .cache import data_version
from .tiles import camera_grid_current


@shared_task(acks_late=True)
def map_data_prebuild() -> bool:
    """Once per version of the map's data (a burst of changes is built once): False when
    this version was built already."""
    if not cache.add(f"maps:prebuilt:{data_version()}", True, timeout=settings.MAP_CACHE_SECONDS):
        return False
    camera_grid_current()
    coverage_prebuild()
    exports.exports_refresh()
    return True


def coverage_prebuild() -> None:
    """The coverage bodies the map page asks for: each open campaign at each detail level
    (`selectors.COVERAGE_ZOOMS`), and the default campaign without a slug (API users)."""
    default = requests_selectors.default_campaign()
    for campaign in requests_selectors.open_campaigns():
        slugs = [campaign.slug, ""] if default and campaign.pk == default.pk else [campaign.slug]
        for zoom in selectors.COVERAGE_ZOOMS:
            data = selectors.coverage_geojson(campaign, zoom)
            for slug in slugs:
                coverage_cache(zoom, slug).store(data, "application/geo+json")


@shared_task(acks_late=True)
def exports_refresh() -> bool | None:
    return exports.exports_refresh()


def exports_refresh_queue() -> None:
    task_queue(exports_refresh)


# With a worker, a burst of changes (an import, a command saving rows one at a time) is
# built once: when the task runs, the data version has settled and the others find it built.
PREBUILD_DELAY_SECONDS = 5


def _prebuild_queue() -> None:
    task_queue(map_data_prebuild, countdown=PREBUILD_DELAY_SECONDS)


def _changed(sender, **kwargs) -> None:
    if settings.MAP_PREBUILD:
        transaction.on_commit(_prebuild_queue)


def connect() -> None:
    """After every change that makes the map's data stale (signals.WATCHED), once committed."""
    for model in signals.WATCHED:
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"maps-prebuild-{name}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"maps-prebuild-{name}-delete")
    signals.bulk_changed.connect(_changed, dispatch_uid="maps-prebuild-bulk")
