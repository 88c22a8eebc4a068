"""Every app gets every callback. Dash moves its global callback list into the first app that
starts and empties it: callbacks registered by a module imported once per process (not a page
module, which runs again for each app) reached only the first app, so a second app in the same
process (the test suite starts one per module) drew no asylum chart and said nothing."""

from __future__ import annotations

from dashboard.app import create_app


def _outputs(app) -> set[str]:
    dependencies = app.server.test_client().get("/_dash-dependencies").get_json()
    return {callback["output"] for callback in dependencies}


def test_a_second_app_in_the_same_process_has_the_same_callbacks(built_db):
    first = _outputs(create_app(built_db))
    second = _outputs(create_app(built_db))
    assert any("asy-trend-box.children" in output for output in first)
    assert second == first
