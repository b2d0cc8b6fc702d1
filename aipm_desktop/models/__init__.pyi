"""The names of :mod:`aipm_desktop.models`: the type checker reads them here, and the
package reads the ``from .x import y`` lines to load each entity module on first use
(see :mod:`aipm_desktop.lazy`)."""

from .common import TableMixin as TableMixin, partial_model as partial_model, utcnow as utcnow
from .compliance import (
    AiActAssessment as AiActAssessment,
    AiActAssessmentUpdate as AiActAssessmentUpdate,
    AiActTier as AiActTier,
    ComplianceObligation as ComplianceObligation,
    ComplianceObligationUpdate as ComplianceObligationUpdate,
)
from .controls import (
    AiActRole as AiActRole,
    Applicability as Applicability,
    Control as Control,
    ControlCatalog as ControlCatalog,
    ControlCatalogUpdate as ControlCatalogUpdate,
    ControlMapping as ControlMapping,
    ControlMappingUpdate as ControlMappingUpdate,
    ControlPriority as ControlPriority,
    ControlProfile as ControlProfile,
    ControlProfileUpdate as ControlProfileUpdate,
    ControlScope as ControlScope,
    ControlState as ControlState,
    ControlStatus as ControlStatus,
    ControlStatusLaunchCheckLink as ControlStatusLaunchCheckLink,
    ControlStatusMitigationActionLink as ControlStatusMitigationActionLink,
    ControlStatusRiskLink as ControlStatusRiskLink,
    ControlStatusUpdate as ControlStatusUpdate,
    ControlUpdate as ControlUpdate,
    EvidenceBlob as EvidenceBlob,
    EvidenceItem as EvidenceItem,
    EvidenceItemControlLink as EvidenceItemControlLink,
    EvidenceItemUpdate as EvidenceItemUpdate,
    EvidenceKind as EvidenceKind,
    MappingStrength as MappingStrength,
)
from .costs import (
    CostModel as CostModel,
    CostModelUpdate as CostModelUpdate,
    ModelPrice as ModelPrice,
    ModelPriceUpdate as ModelPriceUpdate,
)
from .documents import (
    Document as Document,
    DocumentRevision as DocumentRevision,
    DocumentUpdate as DocumentUpdate,
)
from .enums import *  # noqa: F403
from .evaluations import (
    COLUMN_KINDS as COLUMN_KINDS,
    LABEL_KINDS as LABEL_KINDS,
    LOWER_IS_BETTER_KINDS as LOWER_IS_BETTER_KINDS,
    SHARE_KINDS as SHARE_KINDS,
    EvalMetric as EvalMetric,
    EvalMetricKind as EvalMetricKind,
    EvalMetricUpdate as EvalMetricUpdate,
    EvalRun as EvalRun,
    EvalRunResults as EvalRunResults,
    EvalRunUpdate as EvalRunUpdate,
    EvalSuite as EvalSuite,
    EvalSuiteUpdate as EvalSuiteUpdate,
)
from .experiments import (
    Correction as Correction,
    Experiment as Experiment,
    ExperimentCreate as ExperimentCreate,
    ExperimentDecision as ExperimentDecision,
    ExperimentGuardrail as ExperimentGuardrail,
    ExperimentGuardrailCreate as ExperimentGuardrailCreate,
    ExperimentGuardrailUpdate as ExperimentGuardrailUpdate,
    ExperimentResult as ExperimentResult,
    ExperimentResultCreate as ExperimentResultCreate,
    ExperimentUpdate as ExperimentUpdate,
    ExperimentVariant as ExperimentVariant,
    ExperimentVariantCreate as ExperimentVariantCreate,
    ExperimentVariantUpdate as ExperimentVariantUpdate,
    MetricKind as MetricKind,
    PeekingMethod as PeekingMethod,
)
from .history import (
    UNJOURNALED_TABLES as UNJOURNALED_TABLES,
    EntityKind as EntityKind,
    Operation as Operation,
    OperationKind as OperationKind,
    OperationRow as OperationRow,
    OperationState as OperationState,
    kind_of_table as kind_of_table,
)
from .incidents import (
    INCIDENT_TIMESTAMPS as INCIDENT_TIMESTAMPS,
    FailureCategory as FailureCategory,
    FailureCategoryUpdate as FailureCategoryUpdate,
    Incident as Incident,
    IncidentAction as IncidentAction,
    IncidentActionUpdate as IncidentActionUpdate,
    IncidentKpiLink as IncidentKpiLink,
    IncidentRiskLink as IncidentRiskLink,
    IncidentTimelineEntry as IncidentTimelineEntry,
    IncidentTimelineEntryUpdate as IncidentTimelineEntryUpdate,
    IncidentUpdate as IncidentUpdate,
    IncidentUseCaseLink as IncidentUseCaseLink,
    SeverityDefinition as SeverityDefinition,
    SeverityDefinitionUpdate as SeverityDefinitionUpdate,
)
from .interviews import (
    Candidate as Candidate,
    CandidateUpdate as CandidateUpdate,
    CaseExercise as CaseExercise,
    CaseExerciseUpdate as CaseExerciseUpdate,
    Evaluation as Evaluation,
    EvaluationUpdate as EvaluationUpdate,
    Rating as Rating,
    RatingUpdate as RatingUpdate,
    ReferenceRating as ReferenceRating,
    ReferenceRatingCreate as ReferenceRatingCreate,
    ReferenceRatingUpdate as ReferenceRatingUpdate,
    Scorecard as Scorecard,
    ScorecardDimension as ScorecardDimension,
    ScorecardDimensionUpdate as ScorecardDimensionUpdate,
    ScorecardSignal as ScorecardSignal,
    ScorecardUpdate as ScorecardUpdate,
)
from .kpis import (
    Kpi as Kpi,
    KpiCreate as KpiCreate,
    KpiSnapshot as KpiSnapshot,
    KpiSnapshotCreate as KpiSnapshotCreate,
    KpiSnapshotUpdate as KpiSnapshotUpdate,
    KpiUpdate as KpiUpdate,
)
from .launch import (
    LaunchCheck as LaunchCheck,
    LaunchCheckUpdate as LaunchCheckUpdate,
    Release as Release,
    ReleaseUpdate as ReleaseUpdate,
    RolloutStage as RolloutStage,
    RolloutStageUpdate as RolloutStageUpdate,
)
from .reference import (
    DeliverableKind as DeliverableKind,
    KpiCatalogEntry as KpiCatalogEntry,
    LaunchChecklistTemplate as LaunchChecklistTemplate,
    RiskTaxonomy as RiskTaxonomy,
    RiskTaxonomyItem as RiskTaxonomyItem,
)
from .risks import (
    MitigationAction as MitigationAction,
    MitigationActionUpdate as MitigationActionUpdate,
    Risk as Risk,
    RiskCreate as RiskCreate,
    RiskUpdate as RiskUpdate,
    RiskUseCaseLink as RiskUseCaseLink,
)
from .roadmap import (
    DEFAULT_LANES as DEFAULT_LANES,
    RoadmapDependency as RoadmapDependency,
    RoadmapItem as RoadmapItem,
    RoadmapItemCreate as RoadmapItemCreate,
    RoadmapItemUpdate as RoadmapItemUpdate,
)
from .reports import (
    SavedReport as SavedReport,
    SavedReportBase as SavedReportBase,
)
from .runbooks import (
    MAX_CONSECUTIVE as MAX_CONSECUTIVE,
    CommunicationTemplate as CommunicationTemplate,
    CommunicationTemplateCreate as CommunicationTemplateCreate,
    CommunicationTemplateUpdate as CommunicationTemplateUpdate,
    RollbackCriterion as RollbackCriterion,
    RollbackCriterionCreate as RollbackCriterionCreate,
    RollbackCriterionUpdate as RollbackCriterionUpdate,
    Runbook as Runbook,
    RunbookContact as RunbookContact,
    RunbookContactCreate as RunbookContactCreate,
    RunbookContactUpdate as RunbookContactUpdate,
    RunbookCreate as RunbookCreate,
    RunbookUpdate as RunbookUpdate,
)
from .triage import (
    MAX_FEEDBACK_TEXT as MAX_FEEDBACK_TEXT,
    FeedbackClass as FeedbackClass,
    FeedbackImport as FeedbackImport,
    FeedbackItem as FeedbackItem,
    FeedbackItemUpdate as FeedbackItemUpdate,
)
from .usecases import (
    Criterion as Criterion,
    CriterionCreate as CriterionCreate,
    CriterionUpdate as CriterionUpdate,
    Score as Score,
    ScoreUpdate as ScoreUpdate,
    ScoringModel as ScoringModel,
    ScoringModelUpdate as ScoringModelUpdate,
    UseCase as UseCase,
    UseCaseCreate as UseCaseCreate,
    UseCaseUpdate as UseCaseUpdate,
)
from .workspace import (
    DEFAULT_RISK_BANDS as DEFAULT_RISK_BANDS,
    ChangeLog as ChangeLog,
    WorkspaceSettings as WorkspaceSettings,
    WorkspaceSettingsBase as WorkspaceSettingsBase,
    WorkspaceSettingsUpdate as WorkspaceSettingsUpdate,
)

def load_all() -> None: ...
