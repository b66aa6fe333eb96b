"""Local governments, the network's members, participating organisations, and the people who log in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.core.login import normalise_username


class LocalGovernmentKind(models.TextChoices):
    PREFECTURE = "prefecture", _("都道府県")
    MUNICIPALITY = "municipality", _("市区町村")


class LocalGovernment(models.Model):
    """One of the 1,788 bodies of 総務省's 全国地方公共団体コード (JIS X 0402)."""

    code = models.CharField(_("団体コード"), max_length=6, primary_key=True)
    prefecture_code = models.CharField(_("都道府県コード"), max_length=2, db_index=True)
    kind = models.CharField(_("種別"), max_length=16, choices=LocalGovernmentKind.choices)
    prefecture_name = models.CharField(_("都道府県名"), max_length=8)
    city_name = models.CharField(_("市区町村名"), max_length=32, blank=True)
    prefecture_kana = models.CharField(_("都道府県名（カナ）"), max_length=32)
    city_kana = models.CharField(_("市区町村名（カナ）"), max_length=64, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("地方公共団体")
        verbose_name_plural = _("地方公共団体")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="local_government_code_6_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.city_name or self.prefecture_name

    @property
    def full_name(self) -> str:
        """兵庫県豊岡市, or 兵庫県 for a prefecture."""
        return f"{self.prefecture_name}{self.city_name}"

    @property
    def code5(self) -> str:
        return self.code[:5]


class MemberKind(models.TextChoices):
    PREFECTURE = "prefecture", _("県")
    MUNICIPALITY = "municipality", _("市町村")


class Member(models.Model):
    """A local government in the 地域働き方・職場改革ネットワーク, running its own programme."""

    local_government = models.OneToOneField(
        LocalGovernment, on_delete=models.PROTECT, primary_key=True, related_name="member", verbose_name=_("団体")
    )
    kind = models.CharField(_("種別"), max_length=16, choices=MemberKind.choices)
    region_block = models.CharField(_("ブロック"), max_length=16, db_index=True)
    leading_example = models.BooleanField(_("先行自治体"), default=False)
    joined_on = models.DateField(_("参加日"))
    programme_name = models.CharField(_("取組名"), max_length=120, blank=True)

    class Meta:
        ordering = ["local_government_id"]
        verbose_name = _("参加自治体")
        verbose_name_plural = _("参加自治体")

    def __str__(self) -> str:
        return self.local_government.full_name

    @property
    def code(self) -> str:
        return self.local_government_id

    @property
    def name(self) -> str:
        return self.local_government.name


class Industry(models.TextChoices):
    """日本標準産業分類 大分類 A–T."""

    A = "A", _("A 農業，林業")
    B = "B", _("B 漁業")
    C = "C", _("C 鉱業，採石業，砂利採取業")
    D = "D", _("D 建設業")
    E = "E", _("E 製造業")
    F = "F", _("F 電気・ガス・熱供給・水道業")
    G = "G", _("G 情報通信業")
    H = "H", _("H 運輸業，郵便業")
    I = "I", _("I 卸売業，小売業")  # noqa: E741 - the classification's own letter
    J = "J", _("J 金融業，保険業")
    K = "K", _("K 不動産業，物品賃貸業")
    L = "L", _("L 学術研究，専門・技術サービス業")
    M = "M", _("M 宿泊業，飲食サービス業")
    N = "N", _("N 生活関連サービス業，娯楽業")
    O = "O", _("O 教育，学習支援業")  # noqa: E741
    P = "P", _("P 医療，福祉")
    Q = "Q", _("Q 複合サービス事業")
    R = "R", _("R サービス業（他に分類されないもの）")
    S = "S", _("S 公務（他に分類されるものを除く）")
    T = "T", _("T 分類不能の産業")


class SizeBand(models.TextChoices):
    """Employee head-count bands, cut where the law's duties change (101 and 301 employees)."""

    UP_TO_29 = "1-29", _("1〜29人")
    FROM_30 = "30-100", _("30〜100人")
    FROM_101 = "101-300", _("101〜300人")
    FROM_301 = "301-999", _("301〜999人")
    FROM_1000 = "1000+", _("1,000人以上")


class Organisation(models.Model):
    """A company or body taking part in a member's programme."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("参加自治体")
    )
    name = models.CharField(_("名称"), max_length=200)
    corporate_number = models.CharField(  # noqa: DJ001 - NULL keeps uniqueness for bodies without a number
        _("法人番号"),
        max_length=13,
        null=True,
        blank=True,
        help_text=_("13桁。法人番号のない団体は空欄にできます。"),
    )
    industry = models.CharField(_("業種（日本標準産業分類 大分類）"), max_length=1, choices=Industry.choices)
    size_band = models.CharField(_("従業員規模"), max_length=8, choices=SizeBand.choices)
    location = models.ForeignKey(
        LocalGovernment, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地（団体コード）")
    )
    joined_on = models.DateField(_("参加日"))
    notes = models.TextField(_("備考"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["member_id", "name"]
        verbose_name = _("参加企業・団体")
        verbose_name_plural = _("参加企業・団体")
        constraints = [
            models.UniqueConstraint(fields=["member", "name"], name="organisation_unique_name_per_member"),
            models.UniqueConstraint(
                fields=["member", "corporate_number"],
                condition=Q(corporate_number__isnull=False),
                name="organisation_unique_corporate_number_per_member",
            ),
            models.CheckConstraint(
                condition=Q(corporate_number__isnull=True) | Q(corporate_number__regex=r"^[0-9]{13}$"),
                name="organisation_corporate_number_13_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at an organisation whom the programme's staff may contact."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("参加企業・団体")
    )
    name = models.CharField(_("氏名"), max_length=100)
    department = models.CharField(_("部署・役職"), max_length=100, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)

    class Meta:
        ordering = ["organisation_id", "id"]
        verbose_name = _("担当者連絡先")
        verbose_name_plural = _("担当者連絡先")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("事務局")
    SUPPORT = "support", _("支援チーム")
    COORDINATOR = "coordinator", _("自治体担当者")
    ORGANISATION_ADMIN = "org_admin", _("企業・団体管理者")


class UserManager(DjangoUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # Django's login (ModelBackend) looks accounts up here: any width or case of a name finds its account.
        return self.get(username=normalise_username(username or ""))

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        # `createsuperuser` makes a secretariat account: every account needs a role that fits its tenant link.
        extra_fields.setdefault("role", Role.SECRETARIAT)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. Survey respondents never have an account."""

    objects = UserManager()  # type: ignore[misc]

    role = models.CharField(_("役割"), max_length=16, choices=Role.choices)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinators",
        verbose_name=_("担当する参加自治体"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admins",
        verbose_name=_("管理する企業・団体"),
    )
    display_name = models.CharField(_("表示名"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")
        constraints = [
            # The role decides which tenant link a user has: exactly the one the role needs.
            models.CheckConstraint(
                condition=(
                    Q(role__in=["secretariat", "support"], member__isnull=True, organisation__isnull=True)
                    | Q(role="coordinator", member__isnull=False, organisation__isnull=True)
                    | Q(role="org_admin", member__isnull=True, organisation__isnull=False)
                ),
                name="user_role_matches_tenant",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @classmethod
    def normalize_username(cls, username: str) -> str:
        # Django calls this in clean() and create_user(); save() below covers every other way in.
        return normalise_username(username)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The unique constraint on username then holds on the normal form: ｋｅｓｅｎｎｕｍａ cannot join kesennuma.
        self.username = normalise_username(self.username)
        super().save(*args, **kwargs)
