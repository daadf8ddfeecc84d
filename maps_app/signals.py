"""Make cached map data and campaign figures stale when what they show changes.

Connected from maps_app (which sits above requests_app) so requests_app never imports
maps_app. Claim endings and release decisions are written with queryset updates, which
send no signal, but each also writes an append-only record (TargetActivity,
ReleaseDecision) whose creation does.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from requests_app.models import (
    AccessRequest,
    Appeal,
    Claim,
    Finding,
    PoliceService,
    Release,
    ReleaseDecision,
    RequestEvent,
    TargetActivity,
)

from .cache import data_changed
from .models import CameraLocation, ProvinceBoundary, ServiceArea

WATCHED = [
    CameraLocation,
    ServiceArea,
    ProvinceBoundary,
    Claim,
    TargetActivity,
    AccessRequest,
    RequestEvent,
    Appeal,
    Release,
    ReleaseDecision,
    Finding,
    PoliceService,
]


def _changed(sender, **kwargs):
    # After commit only: a response built before then from the old rows is not kept, and the
    # cache (Redis, outside the transaction) is never written while the rows are locked.
    transaction.on_commit(data_changed, robust=True)


# Sent once for rows written in bulk (`bulk_create` and `bulk_update` send no signals); every
# receiver of a saved row (here, and the map's pre-building in tasks.py) listens to it too.
bulk_changed = Signal()


def changed_in_bulk(model) -> None:
    """What saving a row of `model` sets off, once for rows written in bulk, as the OSM import
    does."""
    bulk_changed.send(sender=model)


def connect() -> None:
    bulk_changed.connect(_changed, dispatch_uid="maps-bulk")
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"maps-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"maps-{model.__name__}-delete")
