"""The figures the demo data imitates: Lianyungang's February 2021 bulletin (example-bulletin-2021-02).

Everything here is static data (no randomness): unit volumes used as weights, the joint shape of
channel / category / handling, and the behaviour of a few weak units. `volumes.py` scales it to a
month and a scale factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.contract import CATEGORIES, CHANNELS

UNITS_CSV = Path(__file__).resolve().parent / "units_lianyungang.csv"

#: the reference month the figures below come from
REFERENCE_MONTH = "2021-02"

# --- intake totals of 2021-02 (section 二 of the example) -------------------------------------
TOTAL = 70936
RECEIVED_THIS_MONTH = 67209
CARRIED_OVER = 3727
DIRECT = 43850
DISPATCHED = 27086
PROVINCE = 836
SUPERVISION_SHARE_OF_PROVINCE = 9 / 836
#: 省派 orders of months whose count is known (section 三: 836 in February, 1135 fewer than January);
#: other months get PROVINCE scaled by their calendar
PROVINCE_BY_MONTH: dict[str, int] = {"2021-01": 1971, "2021-02": 836}

#: dispatched orders (总工单数) per unit in the example's ranking tables, carried-over included.
#: Units not listed have no orders (the 11 departments of the example's note).
UNIT_ORDERS: dict[str, int] = {
    "东海县": 1602, "灌云县": 1049, "灌南县": 1104, "赣榆区": 1358,
    "海州区": 9842, "连云区": 2641, "市开发区": 1284, "徐圩新区": 455, "云台山景区": 168,
    "城建控股集团": 312, "市人社局": 275, "交通控股集团": 237, "市卫健委": 209, "连云港移动": 150,
    "市资源规划局": 138, "市税务局": 136, "市城管局": 70, "市公积金中心": 59, "消防支队": 45,
    "市烟草局": 37, "连云港联通": 27, "市机关管理局": 22, "市政务办": 22, "农发集团": 20, "市水利局": 19,
    "市发改委": 18, "连云港铁塔": 8, "市总工会": 6, "市司法局": 4, "市退役军人局": 4, "市体育局": 4,
    "市碱业公司": 4, "市生态环境局": 3, "市妇联": 3, "市财政局": 2, "市应急管理局": 2, "市工信局": 1,
    "市农业农村局": 1, "市教育局": 111, "国网连云港供电公司": 373, "连云港电信": 163, "新奥燃气": 110,
    "市医保局": 98, "市邮政公司": 18, "人行连云港中心支行": 14, "连云港银保监分局": 131,
    "港口控股集团": 61, "保协": 57, "市民政局": 10, "市交通局": 289, "江苏有线连云港分公司": 19,
    "报业传媒集团": 9, "市公安局": 2051, "市文广旅局": 40, "中石化连云港石油分公司": 4, "金融控股集团": 2,
    "工投集团": 11, "市市场监管局": 15, "市自来水公司": 439, "万联能源集团": 22, "市住建局": 1358,
    "市残联": 3,
}  # fmt: skip

#: the demo's seeded anomaly (docs/alerts.md): 灌云县 receives 2.55 times its usual 市派 volume in
#: 2021-01, so that in 2021-02 (the example's figures, unchanged) its orders fall to a third
#: of January's, which `make demo`'s alert log shows (orders_change of 2021-02)
SEEDED_CITY_VOLUME_FACTORS: dict[str, dict[str, float]] = {"2021-01": {"灌云县": 2.55}}

#: the unit with orders but none due in M (市外办 in the example): its orders are dispatched on the
#: last working day of the month, so every deadline falls in the next month
NO_DUE_UNIT = "市外办"
NO_DUE_UNIT_ORDERS = 1

#: 省派 orders per unit (29 units; the top five and the weak ones as in section 三)
PROVINCE_ORDERS: dict[str, int] = {
    "东海县": 86, "灌南县": 64, "海州区": 49, "赣榆区": 45, "灌云县": 43, "市公安局": 42, "连云区": 40,
    "市人社局": 40, "市开发区": 38, "市交通局": 35, "市医保局": 30, "国网连云港供电公司": 30,
    "市卫健委": 30, "市税务局": 25, "市资源规划局": 25, "市教育局": 25, "市自来水公司": 20,
    "市公积金中心": 20, "连云港移动": 20, "徐圩新区": 20, "市城管局": 15, "新奥燃气": 15, "连云港电信": 15,
    "连云港银保监分局": 12, "市文广旅局": 10, "云台山景区": 10, "市住建局": 8, "市市场监管局": 6,
    "市民政局": 5,
}  # fmt: skip


@dataclass(frozen=True)
class UnitBehaviour:
    """Probabilities of one unit's failures (per dispatched order)."""

    sign_late: float = 0.0012
    complete_late: float = 0.02
    unsatisfied_city: float = 0.028
    unsatisfied_province: float = 0.02


DEFAULT_BEHAVIOUR = UnitBehaviour()

#: the weak units of the example (sections 一.3, 三.2 and 四.2)
WEAK_UNITS: dict[str, UnitBehaviour] = {
    "万联能源集团": UnitBehaviour(sign_late=0.27, unsatisfied_city=0.14),
    "金融控股集团": UnitBehaviour(sign_late=0.9),
    "中石化连云港石油分公司": UnitBehaviour(sign_late=0.25),
    "市残联": UnitBehaviour(complete_late=0.5),
    "云台山景区": UnitBehaviour(complete_late=0.2),
    "报业传媒集团": UnitBehaviour(complete_late=0.12),
    "市住建局": UnitBehaviour(complete_late=0.05, unsatisfied_city=0.096, unsatisfied_province=0.2),
    "工投集团": UnitBehaviour(unsatisfied_city=0.25),
    "市市场监管局": UnitBehaviour(unsatisfied_city=0.2, unsatisfied_province=0.34),
    "市文广旅局": UnitBehaviour(unsatisfied_city=0.18),
    "市开发区": UnitBehaviour(complete_late=0.06, unsatisfied_province=0.45),
    "市自来水公司": UnitBehaviour(unsatisfied_city=0.07, unsatisfied_province=0.35),
    "海州区": UnitBehaviour(complete_late=0.06, unsatisfied_city=0.04, unsatisfied_province=0.25),
    # the counties handle the most 省派 orders, rated lower than the city ones (三.2: 82.47 %)
    "东海县": UnitBehaviour(unsatisfied_province=0.2),
    "灌云县": UnitBehaviour(unsatisfied_province=0.15),
    "灌南县": UnitBehaviour(unsatisfied_province=0.2),
    "赣榆区": UnitBehaviour(complete_late=0.025, unsatisfied_province=0.2),
    "市公安局": UnitBehaviour(complete_late=0.045, unsatisfied_city=0.06),
    "市交通局": UnitBehaviour(complete_late=0.04, unsatisfied_city=0.055),
}


def behaviour(unit_name: str) -> UnitBehaviour:
    return WEAK_UNITS.get(unit_name, DEFAULT_BEHAVIOUR)


# --- the joint shape of an order ---------------------------------------------------------------
# Orders fall in four segments; the category depends on the segment, the channel on the category.
SEGMENT_DIRECT = 0
SEGMENT_LOCAL = 1  # 市派 to a 县区 or 区及功能板块 unit (street problems reported by supervisors)
SEGMENT_DEPARTMENT = 2  # 市派 to a city department (citizens' requests)
SEGMENT_PROVINCE = 3  # 省派 (channel 省12345平台交办)

#: P(category | segment), in the order of contract.CATEGORIES
#: (咨询, 信息采集上报, 求助, 建议, 表扬, 举报, 投诉); tuned so the totals match section 二
CATEGORY_GIVEN_SEGMENT: dict[int, tuple[float, ...]] = {
    SEGMENT_DIRECT: (0.5201, 0.2732, 0.2057, 0.0004, 0.0005, 0.0001, 0.0000),
    SEGMENT_LOCAL: (0.0800, 0.5900, 0.3260, 0.0030, 0.0002, 0.0004, 0.0004),
    SEGMENT_DEPARTMENT: (0.3700, 0.0200, 0.6055, 0.0030, 0.0010, 0.0003, 0.0002),
    SEGMENT_PROVINCE: (0.3500, 0.0000, 0.6000, 0.0300, 0.0000, 0.0100, 0.0100),
}

#: P(channel | category) outside the province segment, in the order of contract.CHANNELS
#: (电话, 监督员上报, 微信, 省12345平台交办, 市民APP, 门户网站, 视频监控, 邮件, 好差评)
_CITIZEN_CHANNELS = (0.93235, 0.0, 0.0609, 0.0, 0.00404, 0.00232, 0.0, 0.000366, 0.0000215)
CHANNEL_GIVEN_CATEGORY: dict[str, tuple[float, ...]] = {
    "信息采集上报": (0.0002, 0.9975, 0.0, 0.0, 0.0, 0.0, 0.0023, 0.0, 0.0),
    **{c: _CITIZEN_CHANNELS for c in CATEGORIES if c != "信息采集上报"},
}
PROVINCE_CHANNEL = "省12345平台交办"

assert all(len(p) == len(CATEGORIES) for p in CATEGORY_GIVEN_SEGMENT.values())
assert all(len(p) == len(CHANNELS) for p in CHANNEL_GIVEN_CATEGORY.values())

#: channels whose orders carry the caller's phone number
PHONE_CHANNELS = frozenset({"电话", "省12345平台交办", "好差评"})

# --- side tables ------------------------------------------------------------------------------
#: county_records per county in the example (四.1 table)
COUNTY_RECORDS: dict[str, int] = {"东海县": 10454, "灌云县": 5752, "灌南县": 5800, "赣榆区": 6691}
#: share of county records pushed more than 24 h after their last update (数据及时)
COUNTY_LATE_PUSH: dict[str, float] = {"东海县": 0.052, "灌云县": 0.004, "灌南县": 0.0005, "赣榆区": 0.001}
#: share of empty cells among received_at, channel, category, due_at and completed_at per county
#: (数据完整 6.75 / 6.88 / 6.74 / 6.74 of 7); content and reply are empty far less often (内容完整)
COUNTY_MISSING: dict[str, float] = {"东海县": 0.047, "灌云县": 0.023, "灌南县": 0.05, "赣榆区": 0.05}
COUNTY_TEXT_MISSING = 0.002
#: share of county records with content or reply under 15 characters (内容完整)
COUNTY_SHORT_TEXT: dict[str, float] = {"东海县": 0.01, "灌云县": 0.0015, "灌南县": 0.006, "赣榆区": 0.0015}
#: the county whose data interface has an outage of a few hours in the month
INTERFACE_OUTAGE_COUNTY = "灌南县"

#: units whose 热线坐席 test calls found problems (四.3), with the deductions of those calls
TEST_CALL_DEDUCTIONS: dict[str, tuple[tuple[float, str], ...]] = {
    "灌南县": ((1.0, "服务流程不规范"),),
    "赣榆区": ((0.5, "缺乏沟通技巧"),),
    "市市场监管局": ((1.0, "服务流程不规范"), (0.5, "缺乏沟通技巧")),
}

#: units with failed 答复规范 inspections beyond the randomly drawn ones (市住建局: 答复规范 5分)
REPLY_FINDINGS_FIXED: dict[str, int] = {"市住建局": 5, "赣榆区": 1}
#: how many other units get one 答复规范 finding each
REPLY_FINDING_UNITS = 14
#: failed 首次回应 inspections
FIRST_RESPONSE_FAILURES: dict[str, int] = {"市交通局": 1}
#: late knowledge tasks
KNOWLEDGE_LATE: dict[str, int] = {"市民政局": 1}
