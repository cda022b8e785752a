"""A throw-away certificate authority for serving the emulator over HTTPS in tests.

The unit tests (tests/unit) and the reliability suite (tests/reliability) both need one:
a CA, a certificate for 127.0.0.1 it signed, and a second CA that did not sign it (a
REQUESTS_CA_BUNDLE that would refuse the server if it were used). Needs ``trustme``, a
development requirement; the emulator itself does not.
"""

from pathlib import Path


def make_test_pki(folder):
    """Write the PEM files into ``folder``; ``{ca_file, other_ca_file, certfile, keyfile}`` (paths)."""
    import trustme

    folder = Path(folder)
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    paths = {
        "ca_file": str(folder / "ca.pem"),
        "other_ca_file": str(folder / "other-ca.pem"),
        "certfile": str(folder / "server.pem"),
        "keyfile": str(folder / "server.key"),
    }
    authority.cert_pem.write_to_path(paths["ca_file"])
    trustme.CA().cert_pem.write_to_path(paths["other_ca_file"])
    certificate.cert_chain_pems[0].write_to_path(paths["certfile"])
    certificate.private_key_pem.write_to_path(paths["keyfile"])
    return paths
