"""The requester's address as a switch, and what the start-up prints about a seed's people.

The module_examples integration target runs every module's EXAMPLES against a seed with the people,
bots and teams they name, from the office network their IP allowlist lists.
"""
from __future__ import annotations

import copy

from emu_support import ACCT, expect
from prefect_cloud_emulator import DEMO_SEED, create_app
from prefect_cloud_emulator.__main__ import describe_people


def test_the_allowlist_can_see_the_requester_at_another_address(emu):
    allowlist = f"{ACCT}/ip_allowlist"
    expect(emu.owner.put(allowlist, json={"entries": [{"ip_network": "198.51.100.0/24", "enabled": True}]}), 200)
    expect(emu.owner.patch(f"{ACCT}/settings", json={"enforce_ip_allowlist": True}), 204)
    assert emu.owner.get(allowlist).status_code == 403  # from 127.0.0.1, which the list does not admit
    switched = expect(emu.hooks.patch("/_emulator/options", json={"client_address": "198.51.100.20"}), 200)
    assert switched == {"refuse_me_for_bots": False, "client_address": "198.51.100.20"}
    assert expect(emu.owner.get(f"{allowlist}/my_access"), 200)["allowed"] is True
    assert emu.hooks.patch("/_emulator/options", json={"client_address": "not an address"}).status_code == 422
    emu.reset()
    assert expect(emu.hooks.get("/_emulator/options"), 200)["client_address"] is None


def test_the_start_up_lists_people_bots_and_teams_with_their_roles():
    app = create_app({**copy.deepcopy(DEMO_SEED), "bots": [{"name": "ci", "account_role": "Admin"}],
                      "teams": [{"name": "ops", "users": ["mia@acme.io"], "bots": ["ci"]}]})
    store = app.state.emulator.store
    lines = describe_people(store, next(iter(store.accounts)), DEMO_SEED)
    text = "\n".join(lines)
    assert "    olive@acme.io  Owner    pnu_acmeDemoOwnerOlive000000000000000000" in lines
    assert "    nick@acme.io   Member   (no key)" in lines
    assert "  bots (name, account role): ci Admin" in lines
    assert "  teams: ops (ci, mia@acme.io)" in lines
    assert text.endswith("  workspaces: production, staging")
