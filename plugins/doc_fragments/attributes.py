# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Attributes of a resource module that changes Prefect Cloud.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - Check mode sends no write request and predicts the same C(changed) and diff as a real run.
      - A referenced object that does not exist yet (for example a workspace created by an earlier
        task of the same play) is reported with a warning instead of an error.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - The diff shows the whole object (references by name), never a secret.
  action_group:
    description: Use C(group/prefect.cloud.prefect_cloud) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - prefect.cloud.prefect_cloud
"""

    # Attributes of a read-only module.
    INFO_MODULE = r"""
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - This module only reads, so it behaves the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details:
      - This module never changes anything.
  action_group:
    description: Use C(group/prefect.cloud.prefect_cloud) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - prefect.cloud.prefect_cloud
"""
