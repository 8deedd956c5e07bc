"""What a rationale, a reason or a piece of evidence says, as the pitfall rules need to know it.

Whose voice is the evidence (customers, a sales target, a regulator's checklist)? Does a
rationale give a reason or restate the pitfall ("the stricter, the more alert staff stay")?
What wait do customers say they accept? Each is a few patterns in Chinese and English, kept
here so that the rules read as the method does.
"""

from __future__ import annotations

import re

from svcstd.model import Measure
from svcstd.rules.patterns import Bilingual, Lazy
from svcstd.rules.text import normalise

# The customer's voice: surveys, complaints, call-backs, reviews, what customers say.
CUSTOMER_VOICE = Bilingual(
    r"调研|调查|问卷|满意|投诉|回访|访谈|座谈|焦点小组|反馈|意见|留言|差评|好评|评价|诉求|抱怨|来电|来信|"
    r"申诉|感受|净推荐|(?:客户|顾客|乘客|旅客|宾客|业主|患者|病人|用户|居民|群众|市民|家长|来电人)"
    r"(?:希望|期望|表示|反映|认为|提到|要求|抱怨|说)",
    r"\b(?:survey\w*|complained|complaints? (?:data|analysis|log|records?|review|about|say|show\w*)"
    r"|\d[\d,]* complaints|feedback|interview\w*|focus groups?|reviews?|satisf\w+|NPS|"
    r"CSAT|net promoter|verbatims?|(?:customers?|passengers?|patients?|guests?|residents?|callers?"
    r"|users?|tenants?) (?:said|say|says|told|report\w*|want\w*|expect\w*|rat\w+|ask\w*|prefer\w*))",
)
# A business target: what the company wants from the customer, not what the customer values.
BUSINESS_TARGET = Bilingual(
    r"销量|销售|营收|收入|业绩|利润|转化率|成交|办理量|业务量|产能|人效|坪效|客单价|交叉销售|营销|"
    r"续保|续约|续费|复购|留存率|渗透率|开卡|激活率|经营计划|年度计划|经营目标|公司目标|"
    r"推荐办理|推荐.{0,6}(?:合约|套餐|产品|理财|信用卡)|考核指标|创收|揽收量|预算|人均处理|每人每[天日班]",
    r"\b(?:sales|revenue|upsell\w*|cross-sell\w*|conversion|productivity|profit\w*|margin|KPIs?"
    r"|renewal rate|retention rate|take-up|repeat purchase\w*|business plan|(?:company|corporate|"
    r"annual|sales|plan) targets?|trips per \w+"
    r"|attach rate|basket size|per hour|throughput|income|budget\w*|staffing allocat\w*"
    r"|per (?:officer|agent|adviser|advisor|staff|employee|head))\b",
)
# A regulator's or head office's checklist: what an auditor ticks, not what customers value.
REGULATOR_CHECKLIST = Bilingual(
    r"检查表|检查清单|评分表|评比|验收|达标创建|星级评定|上级检查|主管部门检查|监管检查|考核细则|暗访评分",
    r"\b(?:checklists?|audit\w*|inspection (?:regime|framework|criteria)|league tables?"
    r"|compliance (?:check|visit|review)s?)\b",
)
# Appeals to industry custom (pitfall 2).
INDUSTRY = Bilingual(
    r"行规|行业惯例|行业规矩|行业做法|行业通行|行业普遍|行业内|行业常规|业内|同业|同行|惯例|"
    r"对标|标杆|看齐|参照.{0,6}(?:同业|同行|友商|其他)|友商|竞争对手|"
    r"(?:跟|和|与|同|像)(?:其他|别的|别家|各大|外地|兄弟).{0,10}(?:一样|相同|一致)",
    r"\b(?:industry (?:practice|custom|norm|standard|convention|habit|benchmark)s?|common practice"
    r"|usual practice|standard practice|customary|sector (?:norm|practice|standard)s?"
    r"|(?:industry|sector|market) norms?|(?:our|its|their|sector|industry) peers|competitors?"
    r"|benchmark(?:ed|ing)? against"
    r"|what other (?:providers|operators|banks|firms|companies|hotels|carriers) do"
    r"|(?:other|rival) (?:providers|operators|banks|firms|companies|hotels|carriers)"
    r"|everyone (?:in the (?:industry|sector) )?does)\b",
)
# A rationale that restates pitfall 1 instead of giving a reason.
STRICTER_IS_BETTER = Bilingual(
    r"越严|从严|宁严|严要求|要求越高|越高越好|标准越高|拔高|倒逼|鞭策|警惕|警醒|紧迫感|施压|"
    r"给.{0,4}压力|盯着|不松懈|绷紧|没有借口|最高标准",
    r"\b(?:the )?strict(?:er|est)? (?:the|is better)\b|\bthe stricter\b|\bstricter (?:is|means)\b"
    r"|\bthe higher the (?:bar|standard|target)\b|\braise the bar\b|\bbar high\b|\bon their toes\b"
    r"|\b(?:keeps?|stay|stays|more) alert\b|\bno excuses?\b|\b(?:put|keep) (?:the )?pressure\b"
    r"|\bstretch target\b|\bmore demanding\b",
)
# Reasons for keeping a standard from customers that restate pitfall 6.
HIDE_FROM_CUSTOMERS = Bilingual(
    r"免得|以免|据此|拿.{0,12}(?:投诉|要求|说事|索赔)|追究|索赔|抬高.{0,4}期望|"
    r"提高.{0,4}期望|没必要|不必|无需|不需要|用不着|内部考核|内部掌握|仅供内部|内部使用|"
    r"仅作.{0,4}内部|对内不对外|不对外|担责|追责|当作承诺|当成承诺|"
    r"(?:不关心|不在乎|不在意|不会看|不看).{0,6}(?:标准|指标|规定)|招来投诉|引来投诉|惹来投诉|引发投诉",
    r"\b(?:hold (?:us|the company|staff|the branch) (?:to|accountable)|held to|used? against"
    r"|against us|compensation claims?|claims? against|rais(?:e|ing) (?:customer |their )?expectations"
    r"|need not|needn't|no need|don't need|do not need|internal(?: use)? only|for internal"
    r"|internal target|liabilit\w*|invite complaints?|(?:lead|leads) to complaints?"
    r"|complain\w* (?:whenever|when|if|each time) we"
    r"|(?:care|cares|interested) (?:about|in) [^.;]{1,60}?,? not (?:about |in )?(?:the |our )?"
    r"(?:standards?|targets?|timescales?)"
    r"|(?:don't|do not|doesn't|does not|won't|will not) (?:care|read|look) (?:about |at )?"
    r"(?:the |our )?(?:standards?|targets?))\b",
)
# Reasons that justify holding back for now: a trial, security, privacy, the law.
FAIR_HOLD_BACK = Bilingual(
    r"试行|试运行|试点|安全|防范|诈骗|欺诈|隐私|个人信息|法律|保密规定|修订中|届时|之后公布|后公布",
    r"\b(?:pilot|trial|security|fraud|privacy|personal data|legal|until|will be published)\b",
)

EXPECTS = Bilingual(
    r"可以?接受|能接受|愿意等|可容忍|期望|希望|满意(?![率度])|预期",
    r"\b(?:accept\w*|expect\w*|happy|satisfied|willing to wait|tolerat\w*|want\w*|content)\b",
)
DURATION = Lazy(
    r"(\d+(?:\.\d+)?)\s*(?:(秒|分钟|分|小时|个小时|个?工作日|天|日)|"
    r"(seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|(?:working |business )?days?)\b)",
    re.IGNORECASE,
)
SECONDS = {
    "秒": 1, "分钟": 60, "分": 60, "小时": 3600, "个小时": 3600, "天": 86400, "日": 86400,
    "工作日": 86400, "个工作日": 86400,
}  # fmt: skip
CLAUSE = Lazy(r"[。；;！!？?\n，,]")
# The duration is an upper bound: "15 分钟以内", "within 2 days" — not "至少提前 3 天".
UPPER_BOUND = Lazy(r"^\s*(?:以内|之内|内|以下)")
UPPER_BEFORE = Lazy(
    r"(?:不超过|最多|\b(?:within|up to|no more than|under|less than|at most))\s*$", re.IGNORECASE
)


def _seconds(unit: str) -> float:
    unit = unit.lower()
    if unit in SECONDS:
        return SECONDS[unit]
    if unit.startswith(("s",)):
        return 1
    if unit.startswith("m"):
        return 60
    if unit.startswith("h"):
        return 3600
    return 86400


def expected_max(text: str, measure: Measure) -> float | None:
    """The longest wait customers say they accept, in the measure's unit, or None.

    Read from the first clause that states an expectation (可接受, 希望, expect …) and holds a
    duration: "85% 的客户对 15 分钟以内的等候表示满意" gives 15 min.
    """
    if measure.kind != "duration" or measure.unit is None:
        return None
    from svcstd.model import UNIT_SECONDS

    for clause in CLAUSE.split(normalise(text)):
        if not EXPECTS.search(clause):
            continue
        match = DURATION.search(clause)
        if match and (
            UPPER_BOUND.search(clause[match.end() :])
            or UPPER_BEFORE.search(clause[: match.start()])
        ):
            seconds = float(match.group(1)) * _seconds(match.group(2) or match.group(3))
            return seconds / UNIT_SECONDS[measure.unit]
    return None


def is_customer_voice(evidence: str | None) -> bool:
    return bool(evidence and CUSTOMER_VOICE.search(normalise(evidence)))


def not_customer_voice(evidence: str) -> str | None:
    """'a business target' or "a regulator's checklist" when that is all the evidence is."""
    if is_customer_voice(evidence):
        return None
    evidence = normalise(evidence)
    if BUSINESS_TARGET.search(evidence):
        return "business"
    if REGULATOR_CHECKLIST.search(evidence):
        return "checklist"
    return None


def industry_appeal(text: str | None) -> str | None:
    match = INDUSTRY.search(normalise(text or ""))
    return match.group(0) if match else None


def restates_strictness(rationale: str | None) -> str | None:
    match = STRICTER_IS_BETTER.search(normalise(rationale or ""))
    return match.group(0) if match else None


def leans_on_industry(rationale: str | None) -> str | None:
    """The industry appeal of a rationale that brings no customer voice of its own."""
    appeal = industry_appeal(rationale)
    if appeal is None or rationale is None:
        return None
    return None if is_customer_voice(normalise(rationale).replace(appeal, "")) else appeal


def gives_reason(rationale: str | None) -> bool:
    """A rationale that neither restates pitfall 1 nor leans on industry custom."""
    return bool(rationale) and not restates_strictness(rationale) and not industry_appeal(rationale)


def hides_from_customers(reason: str) -> str | None:
    """The words of an `unpublished_reason` that restate pitfall 6, if it gives no fair reason."""
    reason = normalise(reason)
    match = HIDE_FROM_CUSTOMERS.search(reason)
    if match is None:
        return None
    held = FAIR_HOLD_BACK.search(reason)
    restated = re.search(
        r"免得|以免|据此|拿|追究|索赔|期望|担责|追责|承诺|hold|against|claim|compens|liabil",
        match.group(0),
    )
    return match.group(0) if restated or not held else None
