"""The Cloud API routes, one module per resource family."""

from . import access, accounts, bots, events, invitations, ip_allowlist, me, members, objects, teams, workspaces

ROUTERS = [
    me.router,
    accounts.router,
    ip_allowlist.router,
    members.router,
    workspaces.router,
    access.router,
    teams.router,
    bots.router,
    invitations.router,
    objects.router,
    events.router,
]
