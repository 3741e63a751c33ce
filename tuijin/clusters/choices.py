from django.db import models
from django.utils.translation import gettext_lazy as _


class ShareholderKind(models.TextChoices):
    VILLAGE = "village", _("Village collective")
    TOWN = "town", _("Town platform")
    THIRD_PARTY = "third_party", _("Third party")


class ContributionKind(models.TextChoices):
    """What a shareholder puts into a joint company. The unit of each is fixed (UNITS)."""

    LAND = "land", _("Land")
    CASH = "cash", _("Cash")
    ASSETS = "assets", _("Assets")
    POPULATION = "population", _("Population")
    LABOUR = "labour", _("Labour")


#: The unit in which a contribution's quantity is counted.
UNITS = {
    ContributionKind.LAND: _("mu"),
    ContributionKind.CASH: _("10k yuan"),
    ContributionKind.ASSETS: _("10k yuan"),
    ContributionKind.POPULATION: _("persons"),
    ContributionKind.LABOUR: _("person-days"),
}

#: Kinds whose quantity is itself money (万元).
MONEY_KINDS = (ContributionKind.CASH, ContributionKind.ASSETS)


class AllocationMethod(models.TextChoices):
    WEIGHTED = "weighted", _("Weighted pro-rata over contribution kinds")
    CAPITAL = "capital", _("Pure capital pro-rata")
    LAND_EQUITY = "land_equity", _("Land valued as equity")
    FIXED_POPULATION = "fixed_population", _("Fixed cash plus population-weighted shares")
    SHAPLEY = "shapley", _("Shapley value of coalition incomes")


class DistributionMethod(models.TextChoices):
    BY_SHARE = "by_share", _("By share")
    GUARANTEED_FIRST = "guaranteed_first", _("Guaranteed minimum dividend first, then by share")
    EQUAL = "equal", _("Equal split")
