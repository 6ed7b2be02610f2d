"""Staff access, shared by the console and the chat's staff commands: staff users and
sign-in, roles and the permission matrix, sessions, API tokens, passwords and the audit log."""
