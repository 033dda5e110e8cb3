"""The classes `benchmarks.headline_errors` puts a wrong headline reading in."""

from __future__ import annotations

import pytest

from benchmarks.headline_errors import CLASSES, classify
from retrieval.models import Article

BODY = ["记者从市里获悉，今年新建口袋公园12个。"]
GOLD = Article("今年新建口袋公园12个", BODY, kicker="城市更新")
OTHER = Article("地铁5号线开通", ["地铁5号线今日开通。"], subtitle="全长20公里")


@pytest.mark.parametrize(
    ("got", "kind"),
    [
        (Article("今年新建口袋公园12个", BODY, kicker="城市更新"), None),
        (Article("城市更新", BODY, subtitle="今年新建口袋公园12个"), CLASSES[3]),
        (Article("今年新建口袋公园12个", BODY), CLASSES[4]),
        (Article("今年新建口袋公园12个", BODY, "城市更新", "全长20公里"), CLASSES[1]),
        (Article("今年新建口袋公园 12个", BODY, kicker="城市更新"), CLASSES[6]),
        (Article("城市更新 今年新建口袋公园12个", BODY), CLASSES[2]),
        (Article("今年新建口袋公园12个", BODY[:0], kicker="城市更新"), CLASSES[8]),
    ],
    ids=["exact", "swapped", "left out", "foreign", "phrase space", "cited whole", "paragraphs"],
)
def test_a_wrong_reading_is_put_in_its_class(got, kind):
    assert classify(GOLD, got, [OTHER]) == kind
