"""Every action the code records in the audit log has a label, so that the log never shows a reader its code."""
import re
from pathlib import Path

from totem.audit.labels import action_labels

ROOT = Path(__file__).resolve().parents[2]
RECORDED = re.compile(r'audit\.record\([^)]*?action="([a-z_]+\.[a-z_]+)"', re.S)


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for package in ("totem", "spaces", "cohorts"):
        for path in (ROOT / package).rglob("*.py"):
            found |= set(RECORDED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_recorded_action_has_a_label():
    recorded = _recorded_actions()
    assert len(recorded) > 60  # the scan finds the code's actions (it would pass vacuously if it found none)
    assert sorted(recorded - set(action_labels())) == []
