# -*- coding: utf-8 -*-
# Copyright: prefect.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Private module_utils of prefect.cloud: the interface may change in any release.
"""Independent reads sent at the same time, a few at a time.

Prefect Cloud is a round trip away (~100 ms); reading the three access lists of a
workspace one after the other costs three of them. ``read_concurrently`` runs such
reads in a small pool of threads and hands the results back as if they had been made
one after the other: in the order given, and failing with the first failure in that
order. It is the only place of the collection that starts a thread.

Only reads go through here. Writes stay one after the other, in the order their callers
chose: that order matters (the caller's own grants go last), and a failed write must
stop the ones after it.
"""

from concurrent.futures import ThreadPoolExecutor

# At most this many requests of one module run in flight at once: a no-op's independent
# lists (three access lists) go together, without bursting a rate limit.
MAX_CONCURRENT_READS = 4


def read_concurrently(calls, max_workers=MAX_CONCURRENT_READS):
    """The results of ``calls`` (callables without arguments), in their order.

    At most ``max_workers`` run at once. Fewer than two calls, or ``max_workers`` 1, run
    one after the other in the calling thread. When calls fail, the exception of the first
    failed one in the order of ``calls`` is raised (the one a sequential run would have
    raised, the same object), after the calls not yet started are cancelled and the ones
    running have ended: no thread outlives this function.
    """
    calls = list(calls)
    if max_workers < 1:
        raise ValueError("max_workers must be 1 or more, got %r" % (max_workers,))
    if len(calls) < 2 or max_workers == 1:
        return [call() for call in calls]
    results = []
    # Leaving the with block waits for every running call (shutdown(wait=True)).
    with ThreadPoolExecutor(max_workers=min(max_workers, len(calls)), thread_name_prefix="prefect-cloud-read") as pool:
        futures = [pool.submit(call) for call in calls]
        try:
            for future in futures:
                # In order: every call before this one succeeded, so its failure is the first.
                results.append(future.result())
        except BaseException:
            # A sequential run would not have made the calls after the failed one.
            for future in futures:
                future.cancel()
            raise
    return results
