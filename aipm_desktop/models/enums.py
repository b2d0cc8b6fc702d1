"""Enumerations stored as plain strings (portable) and checked by the schema."""

from __future__ import annotations

import enum


class UseCaseStatus(enum.StrEnum):
    IDEA = "idea"
    DISCOVERY = "discovery"
    VALIDATED = "validated"
    PILOT = "pilot"
    LAUNCHED = "launched"
    PARKED = "parked"
    RETIRED = "retired"


class Decision(enum.StrEnum):
    UNDECIDED = "undecided"
    BUILD = "build"
    PARTNER = "partner"
    BUY = "buy"


class CostRole(enum.StrEnum):
    """Which build / partner / buy option of its use case a cost model prices."""

    NONE = "none"
    BUILD = "build"
    PARTNER = "partner"
    BUY = "buy"


class CriterionGroup(enum.StrEnum):
    VALUE = "value"
    FEASIBILITY = "feasibility"
    RISK = "risk"


class Direction(enum.StrEnum):
    """Whether a higher level helps (benefit) or counts against (cost)."""

    BENEFIT = "benefit"
    COST = "cost"


class RiskSource(enum.StrEnum):
    REVIEW = "review"
    RED_TEAM = "red_team"
    INCIDENT = "incident"
    CUSTOMER_FEEDBACK = "customer_feedback"
    VENDOR_CHANGE = "vendor_change"


class Treatment(enum.StrEnum):
    MITIGATE = "mitigate"
    ACCEPT = "accept"
    AVOID = "avoid"
    TRANSFER = "transfer"


class RiskStatus(enum.StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class ActionStatus(enum.StrEnum):
    TO_DO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class DocumentStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"


class KpiDirection(enum.StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Frequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    PER_RELEASE = "per_release"


class ItemKind(enum.StrEnum):
    WORK = "work"
    MILESTONE = "milestone"
    RELEASE = "release"


class ItemStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class StageStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    COMPLETE = "complete"
    ROLLED_BACK = "rolled_back"


class CheckStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    NOT_APPLICABLE = "not_applicable"


class ExperimentStatus(enum.StrEnum):
    """draft -> running -> analysing -> decided; abandoned ends it without a decision."""

    DRAFT = "draft"
    RUNNING = "running"
    ANALYSING = "analysing"
    DECIDED = "decided"
    ABANDONED = "abandoned"


class Severity(enum.StrEnum):
    SEV1 = "sev1"
    SEV2 = "sev2"
    SEV3 = "sev3"
    SEV4 = "sev4"


class IncidentStatus(enum.StrEnum):
    """An incident's life: open -> mitigated -> resolved -> reviewed (post-incident
    review done)."""

    OPEN = "open"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    REVIEWED = "reviewed"


class RootCauseClass(enum.StrEnum):
    """Where an incident's root cause lies (the domain's UX / data / model / policy split,
    plus infrastructure and vendor)."""

    UX = "ux"
    DATA = "data"
    MODEL = "model"
    POLICY = "policy"
    INFRASTRUCTURE = "infrastructure"
    VENDOR = "vendor"


class IncidentActionKind(enum.StrEnum):
    """The domain's mitigation moves: roll back the feature flag, reduced-capability safe
    mode, prompt update, policy filter, hotfix, data exclusion, vendor escalation."""

    FEATURE_FLAG_ROLLBACK = "feature_flag_rollback"
    SAFE_MODE = "safe_mode"
    PROMPT_UPDATE = "prompt_update"
    POLICY_FILTER = "policy_filter"
    HOTFIX = "hotfix"
    DATA_EXCLUSION = "data_exclusion"
    VENDOR_ESCALATION = "vendor_escalation"
    OTHER = "other"


class CommunicationChannel(enum.StrEnum):
    INTERNAL = "internal"
    CUSTOMER = "customer"
    STATUS_PAGE = "status_page"


class ComparisonOp(enum.StrEnum):
    """How a rollback criterion compares a KPI's value with its threshold."""

    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="


class SignalKind(enum.StrEnum):
    STRONG = "strong"
    WEAK = "weak"
    RED_FLAG = "red_flag"


class Recommendation(enum.StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    LEAN_NO = "lean_no"
    LEAN_YES = "lean_yes"
    YES = "yes"
    STRONG_YES = "strong_yes"


class HiringDecision(enum.StrEnum):
    """The panel's decision on a candidate after the debrief."""

    HIRE = "hire"
    NO_HIRE = "no_hire"
    HOLD = "hold"


class ChangeAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"
