"""SQLModel entities, enums and validation. No Qt, no I/O."""

from .common import TableMixin, partial_model, utcnow
from .compliance import (
    AiActAssessment,
    AiActAssessmentCreate,
    AiActAssessmentUpdate,
    AiActTier,
    ComplianceObligation,
    ComplianceObligationCreate,
    ComplianceObligationUpdate,
)
from .documents import Document, DocumentCreate, DocumentRevision, DocumentUpdate
from .enums import *
from .history import (
    UNJOURNALED_TABLES,
    EntityKind,
    Operation,
    OperationKind,
    OperationRow,
    OperationState,
    kind_of_table,
)
from .interviews import (
    Candidate,
    CandidateCreate,
    CandidateUpdate,
    CaseExercise,
    CaseExerciseCreate,
    CaseExerciseUpdate,
    Evaluation,
    EvaluationCreate,
    EvaluationUpdate,
    Rating,
    RatingCreate,
    RatingUpdate,
    Scorecard,
    ScorecardCreate,
    ScorecardDimension,
    ScorecardDimensionCreate,
    ScorecardDimensionUpdate,
    ScorecardSignal,
    ScorecardUpdate,
)
from .kpis import Kpi, KpiCreate, KpiSnapshot, KpiSnapshotCreate, KpiSnapshotUpdate, KpiUpdate
from .launch import (
    LaunchCheck,
    LaunchCheckCreate,
    LaunchCheckUpdate,
    Release,
    ReleaseCreate,
    ReleaseUpdate,
    RolloutStage,
    RolloutStageCreate,
    RolloutStageUpdate,
)
from .operations import (
    CostModel,
    CostModelCreate,
    CostModelUpdate,
    Experiment,
    ExperimentCreate,
    ExperimentUpdate,
    Incident,
    IncidentCreate,
    IncidentUpdate,
    ModelPrice,
    ModelPriceCreate,
    ModelPriceUpdate,
)
from .reference import (
    DeliverableKind,
    KpiCatalogEntry,
    LaunchChecklistTemplate,
    RiskTaxonomy,
    RiskTaxonomyItem,
)
from .risks import (
    MitigationAction,
    MitigationActionCreate,
    MitigationActionUpdate,
    Risk,
    RiskCreate,
    RiskUpdate,
    RiskUseCaseLink,
)
from .roadmap import (
    DEFAULT_LANES,
    RoadmapDependency,
    RoadmapItem,
    RoadmapItemCreate,
    RoadmapItemUpdate,
)
from .usecases import (
    Criterion,
    CriterionCreate,
    CriterionUpdate,
    Score,
    ScoreCreate,
    ScoreUpdate,
    ScoringModel,
    ScoringModelCreate,
    ScoringModelUpdate,
    UseCase,
    UseCaseCreate,
    UseCaseUpdate,
)
from .workspace import (
    DEFAULT_RISK_BANDS,
    ChangeLog,
    WorkspaceSettings,
    WorkspaceSettingsBase,
    WorkspaceSettingsUpdate,
)

#: Entities a user edits, by the short kind name used in ``Changes`` and the change log.
ENTITIES: dict[str, type] = {
    "settings": WorkspaceSettings,
    "use_case": UseCase,
    "scoring_model": ScoringModel,
    "criterion": Criterion,
    "score": Score,
    "risk": Risk,
    "mitigation_action": MitigationAction,
    "document": Document,
    "kpi": Kpi,
    "kpi_snapshot": KpiSnapshot,
    "roadmap_item": RoadmapItem,
    "release": Release,
    "rollout_stage": RolloutStage,
    "launch_check": LaunchCheck,
    "experiment": Experiment,
    "incident": Incident,
    "cost_model": CostModel,
    "model_price": ModelPrice,
    "case_exercise": CaseExercise,
    "scorecard": Scorecard,
    "scorecard_dimension": ScorecardDimension,
    "candidate": Candidate,
    "evaluation": Evaluation,
    "rating": Rating,
    "ai_act_assessment": AiActAssessment,
    "compliance_obligation": ComplianceObligation,
}
