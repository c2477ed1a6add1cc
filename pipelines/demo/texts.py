"""Fake free text and phone numbers: short Chinese sentences built from fixed phrase lists.

Sentences are precomputed per category once, then picked by index, so 10 million of them cost
one numpy `take`. No sentence contains a digit run that looks like a phone number.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from pipelines.contract import CATEGORIES

PLACES = (
    "海州区朝阳街道", "新浦公园附近", "苍梧路", "解放中路", "通灌北路", "海连东路", "连云区墟沟",
    "开发区花果山大道", "徐圩新区港前大道", "东海县牛山街道", "灌云县伊山镇", "灌南县新安镇",
    "赣榆区青口镇", "云台山景区入口", "郁洲南路", "瀛洲路小区", "陇海步行街", "盐河巷",
    "秦东门大街", "凌州路",
)  # fmt: skip

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "咨询": (
        "咨询{p}社保卡办理需要哪些材料",
        "咨询{p}附近核酸检测点的开放时间",
        "咨询春节期间返乡人员是否需要隔离",
        "咨询公积金提取的办理流程",
        "咨询{p}学校招生划片范围",
        "咨询新生儿医保参保手续",
        "咨询居住证办理地点和时间",
        "咨询{p}公交线路调整情况",
    ),
    "信息采集上报": (
        "{p}路面有坑洼需要修补",
        "{p}有垃圾堆放未及时清运",
        "{p}路灯不亮",
        "{p}窨井盖破损存在安全隐患",
        "{p}有占道经营现象",
        "{p}绿化带内树木倒伏",
        "{p}有车辆乱停乱放",
        "{p}墙面有小广告",
    ),
    "求助": (
        "{p}小区停水请尽快处理",
        "{p}家中停电请求抢修",
        "反映{p}供暖温度不达标",
        "{p}燃气管道有异味请求检查",
        "反映{p}下水道堵塞污水外溢",
        "反映单位拖欠工资请求帮助",
        "{p}楼道内电梯故障困人",
        "反映{p}噪音扰民影响休息",
    ),
    "建议": ("建议在{p}增设公交站台", "建议{p}增加停车位", "建议延长{p}政务服务大厅的办公时间"),
    "表扬": ("表扬{p}工作人员服务热情", "感谢{p}社区帮助解决了困难"),
    "举报": ("举报{p}有商户销售过期食品", "举报{p}有工地夜间违规施工"),
    "投诉": ("投诉{p}物业服务不到位", "投诉{p}商家拒不退款"),
}  # fmt: skip

INSPECTION_FINDINGS = (
    "答复内容未回应诉求人核心诉求",
    "办理结果表述不清，未说明处理依据",
    "答复口径不规范，存在推诿现象",
    "回复内容与诉求不符",
    "未告知诉求人后续办理途径",
)

COUNTY_REPLIES = (
    "经核实，已安排工作人员现场处理，问题已解决并告知来电人。",
    "已联系来电人说明相关政策规定，来电人表示理解并认可。",
    "经现场查看，相关部门已完成整改，后续将加强日常巡查。",
    "已转相关职能科室处理，处理结果已电话回复诉求人。",
)
SHORT_TEXTS = ("已处理", "已办结", "同意", "已回复来电人")

ASSESSMENT_REASONS = ("数据推送延迟未及时整改", "县级平台工单信息填报不规范")

#: first three digits of the fake mobile numbers
PHONE_PREFIXES = np.array(
    [130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 157, 158, 159, 177, 180, 181, 182,
     186, 187, 188, 189, 198, 199],
    dtype=np.int64,
)  # fmt: skip


@cache
def sentences(category: str) -> np.ndarray:
    """Every sentence of a category (an object array), templates x places."""
    out: list[str] = []
    for template in _TEMPLATES[category]:
        if "{p}" in template:
            out.extend(template.format(p=place) for place in PLACES)
        else:
            out.append(template)
    return np.array(out, dtype=object)


def contents(categories: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One sentence per row; `categories` are indices into contract.CATEGORIES."""
    out = np.empty(categories.size, dtype=object)
    for i, category in enumerate(CATEGORIES):
        rows = np.flatnonzero(categories == i)
        if rows.size:
            pool = sentences(category)
            out[rows] = pool[rng.integers(0, pool.size, rows.size)]
    return out


def phones(n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` fake 11-digit mobile numbers as strings."""
    numbers = PHONE_PREFIXES[rng.integers(0, PHONE_PREFIXES.size, n)] * 10**8 + rng.integers(0, 10**8, n)
    return numbers.astype("U11").astype(object)
