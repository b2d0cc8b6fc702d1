"""The Launch area: releases, rollout stages with KPI criteria, launch-readiness gates."""
