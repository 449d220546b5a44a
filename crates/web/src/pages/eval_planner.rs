//! `/evaluasi/{slug}/rencana`: the what-if planner. From the levels the team (or the
//! assessors, when they have set every level) gave, it shows which indicators lift the
//! index most when raised one level, and the fewest steps to a target index.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use domain::evaluation::planner::{PlanError, best_raises, plan_to};
use domain::evaluation::{Exact, Framework};

use super::account::field;
use super::eval_cycles::load;
use crate::auth::roles::SignedIn;
use crate::error::{PageError, render};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// How many single raises the page lists.
const TOP: usize = 10;

pub struct RaiseLine {
    pub code: String,
    pub title: String,
    pub from: String,
    pub to: String,
    pub gain: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "eval_planner.html")]
struct PlannerPage {
    l: Layout,
    slug: String,
    cycle: String,
    basis: String,
    current: Option<String>,
    target: String,
    raises: Vec<RaiseLine>,
    plan: Vec<RaiseLine>,
    plan_message: Option<String>,
    incomplete: Option<String>,
}

fn line(framework: &Framework, indicator: usize, from: Exact, to: Exact, gain: Exact, after: Exact) -> RaiseLine {
    RaiseLine {
        code: framework.indicators[indicator].code.clone(),
        title: framework.indicator_title(indicator),
        from: framework.scale.show(from),
        to: framework.scale.show(to),
        // Four decimals: a single step moves the index by hundredths or less.
        gain: format!("+{}", gain.to_fixed(4)),
        after: after.to_fixed(2),
    }
}

/// `GET /evaluasi/{slug}/rencana?target=3.80`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let (data, _) = load(&state, &ctx, &user, &slug).await?;
    let t = ctx.tr();
    let framework = &data.framework;
    let assessor = data.assessor_levels();
    // The assessors' levels once they cover every indicator; before that the team's own.
    let (levels, basis) = if assessor.iter().all(Option::is_some) {
        (assessor, t.get("eval-planner-basis-assessor"))
    } else {
        (data.self_levels(), t.get("eval-planner-basis-self"))
    };
    let params = crate::query::pairs(raw.as_deref());
    let typed = field(&params, "target").trim().to_owned();
    let mut page = PlannerPage {
        l: ctx.layout(&state, &t.get("eval-planner-title"), Nav::None),
        slug: slug.clone(),
        cycle: data.cycle.name.clone(),
        basis,
        current: None,
        target: typed.clone(),
        raises: Vec::new(),
        plan: Vec::new(),
        plan_message: None,
        incomplete: None,
    };
    let missing = levels.iter().filter(|l| l.is_none()).count();
    if missing > 0 {
        page.incomplete = Some(t.args(
            "eval-incomplete",
            &[("n", (levels.len() - missing).to_string()), ("total", levels.len().to_string())],
        ));
        return Ok(render(ctx.lang, &page)?.into_response());
    }
    let complete: Vec<Exact> = levels.iter().flatten().copied().collect();
    let total = framework.total_weight();
    let index: Exact = framework.indicators.iter().zip(&complete).map(|(i, &l)| i.weight * l).sum::<Exact>() / total;
    page.current = Some(index.to_fixed(2));
    page.raises = best_raises(framework, &complete)
        .into_iter()
        .take(TOP)
        .map(|r| line(framework, r.indicator, r.from, r.to, r.gain, index + r.gain))
        .collect();
    if !typed.is_empty() {
        match Exact::parse(&typed) {
            Ok(target) => match plan_to(framework, &levels, target) {
                Ok(plan) if plan.steps.is_empty() => page.plan_message = Some(t.get("eval-planner-reached")),
                Ok(plan) => {
                    page.plan_message = Some(t.args(
                        "eval-planner-steps",
                        &[("n", plan.steps.len().to_string()), ("reached", plan.reached.to_fixed(2))],
                    ));
                    page.plan = plan
                        .steps
                        .iter()
                        .map(|(r, after)| line(framework, r.indicator, r.from, r.to, r.gain, *after))
                        .collect();
                }
                Err(PlanError::Unreachable { max, .. }) => {
                    page.plan_message = Some(t.with("eval-planner-unreachable", "max", max));
                }
                Err(PlanError::Incomplete { .. }) => page.plan_message = Some(t.get("eval-planner-incomplete")),
            },
            Err(_) => page.plan_message = Some(t.get("eval-planner-target-invalid")),
        }
    }
    Ok(render(ctx.lang, &page)?.into_response())
}
