"""Intent classification: weighted patterns over the normalized question, clear precedence.

Every intent has patterns with weights; the scores add up and the highest wins. Ties go to the
intent listed first in ``PRECEDENCE`` (the more specific topic before the generic one: 种植牙能报
多少 is about an excluded item, not about the reimbursement ratio). A question with no word of
the insurance domain, or with a strong out-of-scope signal (hospital recommendations,
commercial insurance, pension, housing fund), is ``out_of_scope``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

INTENTS: dict[str, str] = {
    "withdrawal": "个人账户余额提取",
    "reimbursement": "报销待遇",
    "offsite": "异地就医",
    "family_aid": "家庭共济",
    "balance": "余额查询",
    "transfer": "转移接续",
    "lapse": "断缴、补缴与等待期",
    "newborn": "新生儿参保",
    "contribution": "缴费标准",
    "lifetime": "最低缴费年限",
    "excluded": "不予报销的项目",
    "enrollment": "参保登记",
    "account_credit": "个人账户划入",
    "card": "医保卡与医保电子凭证",
    "payment": "缴费渠道与时间",
    "catalogue": "医保目录（甲类、乙类、丙类）",
    "chronic": "门诊慢特病",
    "retiree": "退休人员医保",
    "compare": "职工医保与居民医保的区别",
    "designated": "定点医院和药店",
    "claim": "报销手续",
    "maternity": "生育医疗费用",
    "out_of_scope": "超出范围",
}

PRECEDENCE: tuple[str, ...] = (
    "out_of_scope",
    "excluded",
    "newborn",
    "maternity",
    "withdrawal",
    "family_aid",
    "account_credit",
    "card",
    "catalogue",
    "chronic",
    "designated",
    "compare",
    "lifetime",
    "retiree",
    "lapse",
    "transfer",
    "offsite",
    "balance",
    "payment",
    "enrollment",
    "contribution",
    "claim",
    "reimbursement",
)
_RANK = {name: i for i, name in enumerate(PRECEDENCE)}

_REL = (
    r"(?:家人|亲人|家属|亲属|父母|爸妈|爸爸|妈妈|我爸|我妈|老爸|老妈|父亲|母亲|老公|老婆|丈夫|妻子|"
    r"爱人|配偶|媳妇|孩子|小孩|子女|儿子|女儿|兄弟|姐妹|哥哥|姐姐|弟弟|妹妹|爷爷|奶奶|外公|外婆|"
    r"姥姥|姥爷|祖父|祖母|孙子|孙女|外孙|老人|别人|他人|对象)"
)
_ITEM = (
    r"种植牙|种牙|植牙|近视|全飞秒|半飞秒|ICL|双眼皮|整容|整形|医美|美容|隆鼻|抽脂|牙齿矫正|正畸|"
    r"牙套|配眼镜|配镜|眼镜|镶牙|假牙|烤瓷牙|体检|试管婴儿|辅助生殖|植发|减肥|保健品|营养品"
)

# (intent, pattern, weight)
RULES: tuple[tuple[str, str, float], ...] = (
    # --- out of scope: strong signals
    (
        "out_of_scope",
        r"(?:医院|医生|专家|科室).{0,4}(?:有哪些|推荐|哪家|哪个好|比较好|好不好|排名)",
        10,
    ),
    (
        "out_of_scope",
        r"哪(?:家|个|所)医院|什么医院好|推荐.{0,6}(?:医院|医生)|看.{0,8}(?:比较好|最好)",
        10,
    ),
    ("out_of_scope", r"挂.{0,3}号|专家号|预约.{0,4}医生", 10),
    (
        "out_of_scope",
        r"重疾险|商业(?:医疗)?(?:保险|险)|百万医疗|惠民保|意外险|责任险|寿险|理赔|保险公司",
        10,
    ),
    ("out_of_scope", r"公积金|失业金|失业保险|养老金(?!.{0,6}医保)|工伤认定|天气|写.{0,6}诗", 10),
    (
        "out_of_scope",
        r"养老保险|养老统筹|退休工资|领养老|五险一金(?!.{0,6}医疗)|人身(?:保险|险)|意外(?:伤害)?(?:保险|险)|"
        r"补充医疗保险|工伤(?:认定|赔|补助|伤残|鉴定|资料|待遇|保险)|劳动合同|辞退.{0,6}(?:赔|补偿)",
        8,
    ),
    ("out_of_scope", r"(?:还|再)(?:有必要|要不要|需要|用不用)(?:买|购买|追加)|商业(?:医疗)?险", 8),
    # --- excluded items / cases
    ("excluded", _ITEM, 7),
    ("excluded", r"工伤|打架|斗殴|车祸|交通事故|被人打|第三人|国外看病|境外|在国外|出国看病", 5),
    ("excluded", r"(?:不予|不能|不)报销的项目|哪些不(?:能)?报|不在报销范围", 6),
    # --- newborn
    ("newborn", r"新生儿|新生婴儿|刚出生|出生后|刚生|(?<!试管)婴儿|出生时|出生证", 8),
    ("newborn", r"宝宝", 4),
    ("newborn", r"出生", 6),
    # --- withdrawal
    (
        "withdrawal",
        r"取出|提出来|拿出来|取钱|取现|提现|提取|领出来|能取|可以取|取吗|怎么取|取不",
        5,
    ),
    (
        "withdrawal",
        r"(?:转|提|取|弄)(?:到|进|入)?(?:微信|支付宝|零钱|银行卡)|微信里的钱|支付宝里的钱",
        6,
    ),
    ("withdrawal", r"咋(?:个)?取|继承", 5),
    ("withdrawal", r"套现|一次性领取|退给我|能退吗|退钱|退还", 4),
    (
        "withdrawal",
        r"(?:出国|移民|定居|去世|死亡|过世|入伍|参军).{0,20}(?:钱|余额)(?:怎么办|咋办|怎么处理)?",
        6,
    ),
    ("withdrawal", r"急诊.{0,8}(?:垫付|返还|回到|退回)|垫付.{0,8}(?:返|回到)", 6),
    # --- family aid
    ("family_aid", r"共济|亲情账户|家庭账户", 8),
    ("family_aid", rf"(?:给|帮|为|替){_REL}.{{0,8}}(?:用|买药|看病|拿药|交|缴|付|住院|花)", 6),
    ("family_aid", rf"转给{_REL}|{_REL}.{{0,8}}(?:能用|可以用|也能用|用吗|使用|我能用)", 6),
    ("family_aid", rf"{_REL}", 2),
    ("family_aid", r"绑定|解绑", 2),
    # --- balance
    ("balance", r"(?:查|查询|查看|看看|怎么看|在哪看).{0,10}(?:余额|钱|账户|多少|记录|明细)", 6),
    ("balance", r"(?:余额|里面的钱|里的钱|账户|缴费记录|明细).{0,8}(?:查|查询|查看|看到|显示)", 6),
    ("balance", r"还(?:剩|有)多少|剩多少钱|余额多少|余额是多少", 5),
    ("balance", r"余额", 1),
    # --- transfer
    ("transfer", r"转移接续|接续", 8),
    ("transfer", r"转移|迁移|迁出|迁入", 5),
    (
        "transfer",
        r"转出|转入|转回|转过去|怎么转|转到(?!微信|支付宝|零钱|银行卡)|转去|要转吗|要不要转|需要转|用不用转",
        4,
    ),
    ("transfer", r"换工作|换单位|跳槽|离职|辞职|离开|回老家|调动工作", 1.5),
    # --- off-site care
    (
        "offsite",
        r"异地就医|异地住院|异地看病|异地报销|异地结算|异地医保|异地就诊|跨省就医|跨省看病",
        7,
    ),
    ("offsite", r"备案", 6),
    ("offsite", r"异地安置|长期居住|长住|转诊|直接结算|直接报销|联网结算", 5),
    ("offsite", r"外地|外省|异地|省外|跨省|老家医保", 3),
    ("offsite", r"(?:去|到|在)[^，,。？?]{1,6}(?:看病|住院|就医|治病|看急诊)", 2),
    # --- lapse / back payment / waiting period
    ("lapse", r"断缴|停缴|中断|断了|停了|没交|没缴|忘交|忘了交|漏交|欠费|欠缴|没有交|未缴", 6),
    ("lapse", r"补缴", 5),
    ("lapse", r"等待期", 10),
    ("lapse", r"续上|续交|续缴|恢复缴费", 6),
    # --- contributions
    (
        "contribution",
        r"缴费标准|交费标准|缴费比例|缴费基数|费率|缴费指南|缴费时间|缴费期|操作指南",
        6,
    ),
    (
        "contribution",
        r"(?:交|缴|缴纳|扣)(?:多少|几多)(?!年)|一年多少钱|每(?:个)?月多少钱|一个月多少钱|多少钱一年",
        5,
    ),
    ("contribution", r"(?:单位|个人)交|一年多少|每年多少|交多少", 5),
    ("contribution", r"交费|缴费", 3),
    ("contribution", r"基数|按什么(?:标准)?(?:交|缴)", 4),
    # --- lifetime years
    ("lifetime", r"终身", 8),
    (
        "lifetime",
        r"(?:要|需要|得|应该|一共)(?:交|缴|缴纳|缴费)(?:多久|多长时间)(?!.{0,6}(?:报|用|生效))",
        8,
    ),
    ("lifetime", r"(?:交|缴|买|缴纳|缴费)(?:满|够)?(?:多少|几)年|(?:满|够)(?:多少|几)年", 8),
    ("lifetime", r"缴费年限|最低年限|年限|不用(?:再)?交|不用(?:再)?缴|不再缴", 6),
    ("lifetime", r"(?:交|缴)(?:满|够|了)\d+年|够不够|差几年|还差", 3),
    # --- enrolment
    ("enrollment", r"封存|解封|冻结|暂停参保|停保|恢复参保", 7),
    (
        "enrollment",
        r"怎么买医保|买医保|只买医保|怎么参加|参加(?:职工)?医保|怎么参保|如何参保|参保条件|能参保|上医保|办医保|办理医保",
        5,
    ),
    ("enrollment", r"灵活就业|个体户|自由职业|无业|没有工作|没工作|外地户口|户籍|大学生", 3),
    ("enrollment", r"生效|什么时候能用|多久能用|何时享受|什么时候可以用|啥时候能用", 4),
    ("enrollment", r"参保|入职", 2),
    ("enrollment", r"(?:失业|没工作|辞职|离职)了?.{0,6}医保.{0,4}(?:怎么|咋|如何)", 5),
    # --- account credit
    (
        "account_credit",
        r"打入|划入|划拨|返款|返钱|返多少|打钱|打多少|进多少|到账多少|入账|每月返|每个月返",
        7,
    ),
    ("account_credit", r"(?:个人账户|卡里|卡上|医保卡).{0,6}每(?:个)?月", 3),
    # --- reimbursement
    (
        "reimbursement",
        r"报销比例|报多少|能报多少|报百分之|报几成|报销多少|最多报|报销差别|报销区别",
        4,
    ),
    ("reimbursement", r"起付线|起付标准|封顶|最高支付|自付|自己出多少|自己掏|大病保险|大额", 5),
    ("reimbursement", r"报销|能报|报不报|报吗|可以报", 2),
    ("reimbursement", r"区别|差别|哪个好|哪个划算|报得多", 2),
    ("reimbursement", r"住院|门诊", 1),
    # --- card and electronic certificate
    (
        "card",
        r"(?:医保卡|社保卡|医疗卡|电子凭证|电子社保卡|保障卡).{0,6}(?:丢|掉|遗失|不见|补办|补卡|挂失|换卡|更换|"
        r"激活|领取|申领|在哪办|怎么办理|坏了|消磁|过期|升级|注销|退办|密码)",
        9,
    ),
    (
        "card",
        r"(?:补办|挂失|激活|申领|领取|怎么办理|(?<!怎么)(?<!咋)办理?|换).{0,6}(?:医保卡|社保卡|电子凭证|医疗卡)|医保电子凭证|电子医保卡|"
        r"第[二三]代社保卡",
        8,
    ),
    ("card", r"激活", 6),  # LABELS.md: activating the card or the e-certificate
    # --- where, how and when to pay
    (
        "payment",
        r"(?:微信|支付宝|税务|银行|手机|网上|线上|app|APP).{0,8}(?:交|缴)|(?:交|缴).{0,6}(?:微信|支付宝|税务|app|APP)",
        7,
    ),
    (
        "payment",
        r"(?:交|缴)费?(?:截止|时间|日期|期限)|什么时候(?:交|缴)|几月(?:交|缴)|集中参保期|缴费期",
        6,
    ),
    (
        "payment",
        r"怎么(?:交|缴)|如何(?:交|缴)|在哪(?:里|儿)?去?(?:交|缴)|哪里去?(?:交|缴)|到哪(?:里|儿)?去?(?:交|缴)|"
        r"咋(?:交|缴)|去哪(?:里|儿)?(?:交|缴)",
        5,
    ),
    # --- drug and item catalogue
    (
        "catalogue",
        r"甲类|乙类|丙类|甲乙丙|[abcABC]类药|医保目录|药品目录|目录内|目录外|医保药|报销目录|集采",
        8,
    ),
    ("catalogue", r"(?:药|检查|项目|耗材).{0,6}(?:是不是|属不属于|在不在|算不算).{0,4}医保", 6),
    # --- chronic and special diseases
    ("chronic", r"慢特病|慢性病|慢病|特殊病|特病|门特|门慢|两病|特殊疾病|门诊特殊", 8),
    # --- retirees
    (
        "retiree",
        r"退休(?:了|后|以后|人员|职工)?.{0,8}(?:还有|有没有|还能|还要|享受|待遇|医保怎么|医保咋)",
        6,
    ),
    # --- 职工 vs 居民, and what a scheme is
    (
        "compare",
        r"(?:有啥|有什么|有哪些|什么)(?:不一样|不同|区别|差别)|哪个(?:好|划算|更好)|选哪个|买哪个",
        4,
    ),
    ("compare", r"是一回事|一样吗|有几种|种类有|属于什么", 3),
    # --- designated hospitals and pharmacies
    ("designated", r"定点|哪些医院(?:能|可以)|哪些药店|药店.{0,6}(?:刷|用|买)|能刷医保|刷医保", 7),
    # --- claim procedure
    (
        "claim",
        r"报销(?:流程|手续|程序|步骤|材料|需要什么|要什么|要带|时限|期限|的流程)|怎么报销|如何报销|怎么报(?!名)|"
        r"如何报|去哪(?:里|儿)?报|到哪(?:里|儿)?报|零星报销|手工报销|二次报销|"
        r"(?:带|需要|准备)(?:哪些|什么|些什么)(?:证件|材料|资料)",
        6,
    ),
    # --- maternity
    (
        "maternity",
        r"生育|产检|分娩|生孩子|顺产|剖腹产|剖宫产|怀孕|孕妇|流产|生小孩|三胎|二胎|引产|人流|宫外孕|妊娠|坐月子",
        8,
    ),
)
_COMPILED = tuple((intent, re.compile(p), w) for intent, p, w in RULES)

_TOPICLESS = re.compile(
    r"^(?:请问|你好|您好|我想|想|问|咨询|了解|一下|关于|有关|我的|的|个)*"
    r"(?:医保|社保|医疗保险|基本医疗保险|社会保险|医疗保障)"
    r"(?:政策|问题|相关|方面|事情|的事|的问题|的政策|一下|咨询|怎么弄|怎么搞|怎么回事|是什么)*$"
)
_FILLER = re.compile(r"[\s，。！？!?,.、~～…：:；;“”\"'()（）]+")


def topicless(text: str, spans: list[tuple[int, int]] | tuple = ()) -> bool:
    """Does the question name only the domain and no topic (医保, 拉萨医保, 我想问一下社保)?
    ``spans``: place names in ``text``, removed first."""
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + text[b:]
    return bool(_TOPICLESS.match(_FILLER.sub("", text)))


DOMAIN = re.compile(
    r"医保|医疗保险|社保|报销|备案|共济|参保|缴|个人账户|个账|医保卡|社保卡|新农合|住院|门诊|"
    r"起付|统筹|大病|药店|买药|看病|异地|宝宝|新生儿|社会保险|合作医疗|电子凭证|生育|慢特病|定点"
)


@dataclass(frozen=True, slots=True)
class IntentScore:
    intent: str
    scores: dict[str, float]
    hits: tuple[int, ...] = ()  # indices into RULES of the patterns that matched


def rule_key(k: int) -> str:
    """A stable name of RULES[k] (its intent and pattern), as the model file stores it."""
    intent, pattern, _ = RULES[k]
    return f"{intent}\t{pattern}"


@cache
def _rule_index() -> dict[str, int]:
    return {rule_key(k): k for k in range(len(RULES))}


def precise_intents(hits: tuple[int, ...], precise: frozenset[str]) -> frozenset[str]:
    """The intents of the matched rules named in ``precise`` (the rules that were precise on the
    training rows; a rule changed since training is no longer named)."""
    index = _rule_index()
    keep = {index[k] for k in precise if k in index}
    return frozenset(RULES[k][0] for k in hits if k in keep)


def classify(text: str, slots: dict | None = None) -> IntentScore:
    """The intent of a normalized question (see module doc)."""
    scores: dict[str, float] = {}
    hits: list[int] = []
    for k, (intent, rx, weight) in enumerate(_COMPILED):
        if rx.search(text):
            scores[intent] = scores.get(intent, 0.0) + weight
            hits.append(k)
    slots = slots or {}
    if "amount" in slots and re.search(r"住院|门诊|花了|花|费用|医药费|看病", text):
        scores["reimbursement"] = scores.get("reimbursement", 0.0) + 4
    if slots.get("regions_named", 0) > 1 and re.search(r"看病|住院|就医|治病|结算", text):
        scores["offsite"] = scores.get("offsite", 0.0) + 5
    if slots.get("compare"):
        key = "reimbursement" if "amount" in slots else "compare"
        scores[key] = scores.get(key, 0.0) + 6
    if not scores or (not DOMAIN.search(text) and "out_of_scope" not in scores):
        return IntentScore("out_of_scope", scores, tuple(hits))
    best = max(scores, key=lambda k: (scores[k], -_RANK[k]))
    return IntentScore(best, scores, tuple(hits))


MEDICAL = re.compile(r"医保|医疗保险|新农合|合作医疗|医疗卡|报销|住院|门诊|生育保险|生育险")
"""Words that make a question about medical insurance (社保 alone may mean the pension)."""


def decide(
    scores: dict[str, float],
    text: str,
    labels: tuple[str, ...],
    proba,
    weights: tuple[float, float, float, float],
    precise: frozenset[str] = frozenset(),
) -> str:
    """Combine the pattern scores with the model's probabilities: the intent maximising
    ``log p + w × pattern score (+ b if a precise pattern of that intent matched)`` where
    ``weights = (w, domain bonus, medical penalty, b)`` and ``precise`` names the intents whose
    matching patterns were precise on the training rows (``precise_intents``): the domain bonus
    is added to out_of_scope when the question has no word of the insurance domain, the penalty
    subtracted when it names medical insurance and no out-of-scope pattern matched. The weights
    are tuned on the training split (out-of-fold), never on the frozen test split."""
    w, bonus, penalty, precise_bonus = weights
    best, best_v = "out_of_scope", -math.inf
    oos_shift = 0.0 if DOMAIN.search(text) else bonus
    if "out_of_scope" not in scores and MEDICAL.search(text):
        oos_shift -= penalty  # about medical insurance, and no explicit out-of-scope signal
    for i, name in enumerate(labels):
        v = math.log(float(proba[i]) + 1e-9) + w * scores.get(name, 0.0)
        if name in precise:
            v += precise_bonus
        if name == "out_of_scope":
            v += oos_shift
        if v > best_v or (v == best_v and _RANK.get(name, 99) < _RANK.get(best, 99)):
            best, best_v = name, v
    return best
