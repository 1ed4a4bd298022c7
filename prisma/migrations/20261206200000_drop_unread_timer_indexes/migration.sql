-- Nothing reads BuildComponent by deadline or retryAt (the runner restores its timers from the
-- build's saved state), while every save of a component updated both indexes.

-- DropIndex
DROP INDEX "BuildComponent_deadline_idx";

-- DropIndex
DROP INDEX "BuildComponent_retryAt_idx";
