"""Celery tasks of wage cases. Idempotent.

`wagecases.review_listings` runs daily from beat (bureau/schedules.py): it removes the
listings whose term ended, then proposes every employer newly meeting the criteria of the
defaulter list or of the major-violation publication (heads are notified in-app). A second
run the same day changes nothing.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import translation

from wagecases import listings

logger = logging.getLogger(__name__)


@shared_task(name="wagecases.review_listings")
def review_listings() -> dict[str, int]:
    with translation.override("zh-hans"):  # stored texts (facts, notifications) in Chinese
        expired = listings.expire_due()
        proposed = len(listings.propose_due())
    logger.info("listings: %d expired, %d proposed", expired, proposed)
    return {"expired": expired, "proposed": proposed}
