"""The console's own pages and API endpoints: sign-in and the dashboard, leads, staff
users, API tokens and the audit log."""
