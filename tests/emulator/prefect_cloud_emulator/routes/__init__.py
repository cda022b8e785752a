"""The Cloud API routes, one module per resource family."""

from . import access, accounts, bots, invitations, me, members, teams, workspaces

ROUTERS = [
    me.router,
    accounts.router,
    members.router,
    workspaces.router,
    access.router,
    teams.router,
    bots.router,
    invitations.router,
]
