"""The environments role's split of its people into members and invitees (plugins/filter/environments_people.py)."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.prefect.cloud.plugins.filter.environments_people import FilterModule, split_people

MEMBERS = [
    {"email": "Dan@Acme.io", "account_role": "Admin"},
    {"email": "casey@partner.io", "account_role": "Collaborator"},
    {"email": "kim@partner.io", "account_role": "Collaborator"},
    {"email": "olive@acme.io", "account_role": "Owner"},
]


def test_members_get_their_role_and_everyone_else_an_invitation_in_the_declarations_order():
    people = [
        {"email": "erin@acme.io", "account_role": "Admin"},
        {"email": "dan@ACME.io", "account_role": None},  # case differs from the member's; no role: Member
        {"email": "kim@partner.io", "account_role": "Collaborator"},
        {"email": "zoe@acme.io"},
    ]
    split = split_people(people, MEMBERS)
    assert split["members"] == [{"email": "dan@ACME.io", "account_role": "Member"},
                                {"email": "kim@partner.io", "account_role": "Collaborator"}]
    assert split["invitations"] == [{"email": "erin@acme.io", "account_role": "Admin"},
                                    {"email": "zoe@acme.io", "account_role": "Member"}]
    assert split["member_emails"] == ["dan@acme.io", "casey@partner.io", "kim@partner.io", "olive@acme.io"]


def test_only_collaborators_the_declaration_does_not_keep_as_collaborators_are_removable():
    split = split_people([{"email": "KIM@partner.io", "account_role": "Collaborator"}, {"email": "casey@partner.io"}], MEMBERS)
    # casey is declared, but as a Member: her Collaborator grant may go; kim is kept a Collaborator
    assert split["removable_collaborators"] == ["casey@partner.io"]
    assert split_people([], MEMBERS)["removable_collaborators"] == ["casey@partner.io", "kim@partner.io"]


def test_no_people_and_no_members_split_into_nothing():
    assert split_people([], []) == {"members": [], "invitations": [], "member_emails": [], "removable_collaborators": []}


@pytest.mark.parametrize("people, members", [({"email": "a@b.c"}, []), ([], None)])
def test_what_is_not_a_list_is_refused(people, members):
    with pytest.raises(AnsibleFilterError, match="expects"):
        split_people(people, members)


def test_the_filter_is_registered_and_its_result_is_never_a_template():
    split = FilterModule().filters()["environments_split_people"]
    result = split([{"email": "{{ lookup('pipe', 'id') }}@acme.io"}], [])
    # Marked unsafe on every core that marks data (2.16); plain data on cores that never template it.
    entry = result["invitations"][0]
    assert entry["email"] == "{{ lookup('pipe', 'id') }}@acme.io"
    from ansible.utils.unsafe_proxy import AnsibleUnsafeText

    if isinstance(AnsibleUnsafeText("x"), AnsibleUnsafeText):  # ansible-core 2.16: strings are marked; 2.19+ never evaluate data
        assert isinstance(entry["email"], AnsibleUnsafeText)
