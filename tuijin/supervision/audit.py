"""Supervision changes that matter: rule settings and every order (with its events)."""

from auditlog.registry import auditlog

from .models import LightRule, Order, OrderEvent

auditlog.register(LightRule)
auditlog.register(Order, m2m_fields={"projects"})
auditlog.register(OrderEvent)
