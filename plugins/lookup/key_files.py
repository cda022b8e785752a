# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``prefect.cloud.key_files`` lookup: where each bot's key file goes, checked before a key is minted."""

DOCUMENTATION = r"""
name: key_files
short_description: The key file of each bot in a folder, checked before any key is minted
version_added: 0.1.0
description:
  - Works out, on the controller, the file each bot's API key is written to in O(directory), and checks that it can
    be written there, so that a play finds out before it mints a key (which Prefect Cloud shows only once) rather
    than after.
  - "A bot's file name is derived from its name so that it is always a plain file inside O(directory): letters,
    digits, C(-), C(_) and C(.) (except a leading C(.)) are kept, every other character is written as C(%XX), the
    upper-case hex of each of its UTF-8 bytes, and C(.key) is added. C(deployer-prod) gives C(deployer-prod.key),
    C(team/ci) gives C(team%2Fci.key), C(../x) gives C(%2E.%2Fx.key). Distinct names give distinct files. A name
    whose file name would exceed 200 characters is cut, and ends in C(~) and 16 hex digits of its SHA-256."
  - Two bots whose file names differ only in case are refused (they would share a file on a case-insensitive file
    system), and so is a key file that exists but is not a regular file (a link is never written through).
  - The lookup changes nothing. It checks that the folder exists and may be written to, or that it can be made (the
    nearest folder above it that exists may be written to, and no regular file is in the way), so that a play can
    make it afterwards (M(ansible.builtin.file) with C(state=directory)), which check mode only predicts. The C(exists)
    and C(private) keys of the result say whether that is needed.
  - Used by the C(prefect.cloud.environments) role and C(playbooks/rotate_keys.yml). The lookup runs on the
    controller, which is where the role writes key files.
author:
  - prefect.cloud maintainers (@prefect-cloud-ansible)
options:
  bots:
    description: The bot names.
    type: list
    elements: str
    required: true
  directory:
    description: The folder the key files go to. C(~) is expanded; a relative path is taken from the current directory.
    type: str
    required: true
notes:
  - The lookup takes no terms; give the bots with O(bots).
"""

EXAMPLES = r"""
- name: Where each bot's key goes, checked before anything is minted
  ansible.builtin.set_fact:
    key_files: "{{ lookup('prefect.cloud.key_files', bots=['deployer-dev', 'team/ci'], directory='~/.prefect-cloud/keys') }}"

- name: Make the key folder, private (check mode only says it would)
  ansible.builtin.file:
    path: "{{ key_files.directory }}"
    state: directory
    mode: "0700"
  when: not (key_files.exists and key_files.private)

- name: A bot (a new one is minted a key)
  prefect.cloud.bot:
    name: team/ci
  register: ci_bot
  no_log: true

- name: Keep its key in its file (team%2Fci.key)
  ansible.builtin.copy:
    dest: "{{ key_files.files['team/ci'] }}"
    content: "{{ ci_bot.api_key }}\n"
    mode: "0600"
  when: ci_bot.api_key is defined
  no_log: true
"""

RETURN = r"""
_raw:
  description: One dictionary (use C(lookup), or C(query(...)[0])).
  type: list
  elements: dict
  contains:
    directory:
      description: The folder, as an absolute path.
      type: str
      sample: /home/ops/.prefect-cloud/keys
    exists:
      description: Whether the folder exists.
      type: bool
      sample: true
    private:
      description: Whether the folder exists and only its owner may read, write or enter it (mode C(0700) or stricter).
      type: bool
      sample: true
    files:
      description: Bot name -> the absolute path of its key file.
      type: dict
      sample:
        deployer-dev: /home/ops/.prefect-cloud/keys/deployer-dev.key
        team/ci: /home/ops/.prefect-cloud/keys/team%2Fci.key
    missing:
      description: The bots (in the order given) whose key file does not exist.
      type: list
      elements: str
      sample: [team/ci]
"""

import hashlib
import os
import stat

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

# Characters a file name keeps as they are; every other one becomes %XX (its UTF-8 bytes).
KEPT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
SUFFIX = ".key"
# The longest name before ".key" (file systems allow 255 bytes; the encoded name is ASCII).
MAX_STEM = 200
DIGEST_LENGTH = 16


def key_file_name(bot_name):
    """The file name of a bot's key: its name with every unsafe character escaped, plus ``.key``.

    Injective: ``%`` is itself escaped, so ``%XX`` only ever stands for an escaped byte; a
    shortened name holds ``~``, which an escaped name never does.
    """
    if not isinstance(bot_name, str) or not bot_name:
        raise ValueError("a bot name must be a non-empty string, got %r" % (bot_name,))
    parts = []
    for index, character in enumerate(bot_name):
        if character in KEPT and not (character == "." and index == 0):
            parts.append(character)
        else:
            parts.append("".join("%%%02X" % byte for byte in character.encode("utf-8", "surrogatepass")))
    stem = "".join(parts)
    if len(stem) > MAX_STEM:
        digest = hashlib.sha256(bot_name.encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST_LENGTH]
        cut = MAX_STEM - DIGEST_LENGTH - 1
        # Never cut an escape in two.
        while "%" in stem[cut - 2:cut]:
            cut -= 1
        stem = "%s~%s" % (stem[:cut], digest)
    return stem + SUFFIX


def key_files(directory, bot_names):
    """``{bot: path}`` in ``directory``; refuses two bots that would share a file on a case-insensitive system."""
    files, by_folded_name = {}, {}
    for name in bot_names:
        try:
            file_name = key_file_name(name)
        except ValueError as exc:
            raise AnsibleLookupError("key_files: %s" % exc) from None
        other = by_folded_name.setdefault(file_name.lower(), name)
        if other != name:
            raise AnsibleLookupError(
                "key_files: the bots %r and %r would share the key file %s (file names differ only in case, and some "
                "file systems ignore case); rename one of them" % (other, name, file_name)
            )
        files[name] = os.path.join(directory, file_name)
    return files


def _nearest_existing(path):
    while not os.path.lexists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def check_folder(directory):
    """Refuse a folder that cannot be made or written to (access(2): permissions, ACLs, read-only mounts), changing nothing."""
    existing = _nearest_existing(directory)
    if not os.path.isdir(existing):
        where = "is" if existing == directory else "would be made under %s, which is" % existing
        raise AnsibleLookupError("key_files: the key folder %s %s not a folder" % (directory, where))
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "" if existing == directory else " (it would be made in %s)" % existing
        raise AnsibleLookupError("key_files: the key folder %s is not writable%s" % (directory, where))


def check_files(files):
    """Refuse a key file that exists but is not a regular file: a link is never written through."""
    for name, path in files.items():
        if os.path.islink(path):
            raise AnsibleLookupError("key_files: the key file of bot %r, %s, is a link; the key is never written through a link" % (name, path))
        if os.path.lexists(path) and not os.path.isfile(path):
            raise AnsibleLookupError("key_files: the key file of bot %r, %s, exists and is not a regular file" % (name, path))


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError("key_files: give the bots with bots=[...], not as terms")
        self.set_options(var_options=variables, direct=kwargs)
        directory = self.get_option("directory")
        if not isinstance(directory, str) or not directory.strip():
            raise AnsibleLookupError("key_files: directory must name a folder, got %r" % (directory,))
        directory = os.path.abspath(os.path.expanduser(directory))
        bots = list(self.get_option("bots") or [])
        files = key_files(directory, bots)
        check_folder(directory)
        check_files(files)
        exists = os.path.isdir(directory)
        private = exists and not stat.S_IMODE(os.stat(directory).st_mode) & 0o077
        missing = [name for name in bots if not os.path.isfile(files[name])]
        return [{"directory": directory, "exists": exists, "private": private, "files": files, "missing": missing}]
