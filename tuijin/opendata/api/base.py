"""What every API resource shares: service errors as HTTP answers, pagination, refs."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, permissions, serializers, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from tuijin.lib.errors import PermissionDenied as ServicePermissionDenied
from tuijin.lib.money import AmountError, parse_amount


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ServiceErrorsMixin:
    """Services raise tuijin.lib.errors; the API answers 403 for a refused role and 400
    with the service's own words for a broken rule. Token authentication comes first so a
    caller without valid credentials gets 401 with ``WWW-Authenticate: Token``."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]

    def handle_exception(self, exc):
        if isinstance(exc, ServicePermissionDenied):
            exc = exceptions.PermissionDenied(detail=" ".join(exc.messages))
        elif isinstance(exc, DjangoValidationError):
            if hasattr(exc, "error_dict"):
                detail = {
                    ("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()
                }
            else:
                detail = {"non_field_errors": exc.messages}
            exc = exceptions.ValidationError(detail=detail)
        return super().handle_exception(exc)


class AmountField(serializers.DecimalField):
    """An amount in 万元; also accepts "3.5亿", "460万元", "1,200" (tuijin.lib.money)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        try:
            amount = parse_amount(data)
        except AmountError as exc:
            raise serializers.ValidationError(str(exc)) from None
        except (TypeError, KeyError):
            self.fail("invalid")
        return super().to_internal_value(amount.value)


class RefSerializer(serializers.Serializer):
    """A related object as id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProjectRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


#: Bounds of id filters: an out-of-range number is a 400, not a database error.
MAX_ID = 2**63 - 1


class AllowedBy(permissions.BasePermission):
    """The owning app's policy decides who may open the resource at all:
    the viewset names the predicate as ``allowed`` (a function of the user)."""

    message = _("Your role may not see this.")

    def has_permission(self, request, view):
        allowed = getattr(view, "allowed", None)
        return bool(request.user and request.user.is_authenticated) and (allowed is None or allowed(request.user))


class ReadResource(ServiceErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only resource of another app: its policy gates it, its policy scopes its rows."""

    permission_classes = [permissions.IsAuthenticated, AllowedBy]
    pagination_class = Pagination
    allowed = None  # e.g. staticmethod(policy.can_view_leads)
