"""Users (login by e-mail) and memberships: user × organisation × role, with validity dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trama.accounts.roles import Role
from trama.core.choices import ChoiceLabels


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=(username or "").strip())


class User(ChoiceLabels, AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("nome e cognome"), max_length=200)
    # The language the person chose for the staff pages with the header's switch; blank until they choose (the
    # browser's then decides).
    language = models.CharField(
        _("lingua"), max_length=8, default="", blank=True, choices=[("it", "Italiano"), ("en", "English")]
    )
    is_active = models.BooleanField(_("attivo"), default=True)
    # Access to the Django admin only; what a person may do in Trama comes from memberships.
    is_staff = models.BooleanField(_("accesso all'admin"), default=False)
    date_joined = models.DateTimeField(_("iscritto il"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: dt.date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__lte=on),
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            user__is_active=True,
        )


class Membership(ChoiceLabels, models.Model):
    user = models.ForeignKey(User, verbose_name=_("utente"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "network.Organisation", verbose_name=_("organizzazione"), on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("ruolo"), max_length=40, choices=Role.choices)
    # Optional scope: the role is exercised only for this network and the networks below it (e.g. the Comune's
    # community social worker of Municipio 8). Empty: for every network the organisation belongs to.
    network = models.ForeignKey(
        "network.Network", verbose_name=_("solo per la rete"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="scoped_memberships",
        help_text=_("Lascia vuoto se il ruolo vale per tutte le reti di cui l'organizzazione fa parte."),
    )
    valid_from = models.DateField(_("valida dal"), default=timezone.localdate)
    valid_until = models.DateField(_("valida fino al"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("appartenenza")
        verbose_name_plural = _("appartenenze")
        ordering = ["user", "organisation", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "valid_from"], name="membership_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="membership_dates_ordered",
            ),
        ]
        indexes = [
            # the access policy loads a user's active memberships on every request
            models.Index(fields=["user", "valid_from", "valid_until"], name="membership_user_validity"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    def is_active_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or self.valid_until >= on)
