"""The staff console and REST API, in three parts: ``kit`` (the page and API registry,
schemas, OpenAPI, charts, messages, rendering; it knows no feature), ``access`` (staff
users, roles and permissions, sessions, tokens, passwords, the audit log; used by the
console and by the chat's staff commands) and ``pages`` (the console's own pages, and
:func:`console.pages.setup_console`, which mounts it all). Features plug their pages,
sections and endpoints in through :class:`console.kit.Console`."""
