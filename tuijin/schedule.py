"""Every periodic job, declared in one place.

`tuijin scheduler` (Celery beat) runs these in production; in the embedded default the
same work is available as management commands. Times are Asia/Shanghai.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Expired sessions and lockouts; the security log is never pruned (tuijin prune-sessions).
    "prune-sessions": {
        "task": "tuijin.orgs.tasks.prune_sessions",
        "schedule": crontab(hour=3, minute=30),
    },
    "mark-overdue-nodes": {
        "task": "tuijin.projects.tasks.mark_overdue_nodes",
        "schedule": crontab(hour=1, minute=0),
    },
    # Problems past their ladder deadline go one level up; near deadlines are reminded.
    "escalate-problems": {
        "task": "tuijin.consultation.tasks.escalate_problems",
        "schedule": crontab(hour=1, minute=30),
    },
    # Traffic lights after the night's node and problem updates; overdue orders escalate.
    "supervision-scan": {
        "task": "tuijin.supervision.tasks.scan",
        "schedule": crontab(hour=2, minute=0),
    },
    # Monthly reports past their filing window: notify owners and town officers (in-app, e-mail).
    "reporting-remind": {
        "task": "tuijin.reporting.tasks.remind",
        "schedule": crontab(hour=9, minute=0),
    },
    # The published OC4IDS package, after the night's updates (/public/oc4ids.json serves it).
    "publish-oc4ids": {
        "task": "tuijin.opendata.tasks.publish_oc4ids",
        "schedule": crontab(hour=2, minute=30),
    },
    # Webhook deliveries whose backoff has elapsed (1, 2, 4, 8, 16 minutes).
    "deliver-webhooks": {
        "task": "tuijin.opendata.tasks.deliver_due_webhooks",
        "schedule": crontab(minute="*"),
    },
}
