"""The pages that read a day or a time from their address answer a hostile one with the page (or its message,
422), never a 500: `?day=0` is not 1970, an instant without its offset is no instant, 2026-13-45 no day."""
import pytest

from tests.cohorts.conftest import Accelerator
from tests.helpers import login
from tests.totem.factories import PASSWORD

HOSTILE = ["0", "1700000000", "2026-13-45", "99999-01-01", "2026-12-08T10:00", "-1", "\x00", "2026-02-30", "25:61"]


def _pages(accelerator: Accelerator) -> list[tuple[str, tuple[str, ...], dict[str, str]]]:
    scene, program = accelerator.scene, accelerator.program
    return [
        ("/book", ("day", "start", "end"), {"day": "2026-12-08", "start": "09:00", "end": "10:00"}),
        (f"/floors/{scene.floor.id}", ("day", "at"), {}),
        ("/rooms", ("day",), {}),
        ("/book/series", ("day",), {}),
        ("/admin/reports/occupancy", ("from", "to"), {}),
        ("/admin/reports/occupancy.csv", ("from", "to"), {}),
        ("/admin/reports/occupancy/heatmap.svg", ("from", "to"), {}),
        (f"/admin/reports/programs/{program.id}", ("from", "to"), {}),
        (f"/admin/reports/programs/{program.id}/funders", ("from", "to"), {}),
        (f"/admin/reports/programs/{program.id}/report.csv", ("from", "to"), {}),
        (f"/admin/reports/programs/{program.id}/charts/tracks.svg", ("from", "to"), {}),
    ]


@pytest.mark.parametrize("index", range(11))
def test_a_hostile_day_or_time_in_a_pages_address_is_never_a_500(client, accelerator: Accelerator, index):
    path, names, defaults = _pages(accelerator)[index]
    login(client, accelerator.scene.manager.email, PASSWORD)
    for name in names:
        for bad in HOSTILE:
            response = client.get(path, params={**defaults, name: bad})
            assert response.status_code in (200, 422), (path, name, bad, response.status_code)
