"""The REST API of wage-arrears cases (欠薪案件), under /api/v1/: see urls.py."""
