#!/usr/bin/env python3
"""Write the law samples: a municipal regulation in the style of a PRC local
regulation (滨江市, a fictional city) and an English ordinance, each in an
original version and a revision made the way legislatures revise:

- one article inserted, every later article renumbered and every
  cross-reference to a renumbered article updated;
- one term replaced throughout (帐 → 账; "shall" → "must");
- one article moved to another chapter with a wording change;
- a few ordinary wording changes (amounts, time limits).

The texts are written for tvdiff's tests; no real law is reproduced. Run
`python3 samples/law/make_law.py` to regenerate the four files (no
randomness); do not edit them by hand. The counts printed at the end are
what tests/structure.rs expects.
"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = "零一二三四五六七八九"


def zh(n):
    """1..99 as Chinese numerals (十一, 二十, 二十一)."""
    tens, ones = divmod(n, 10)
    s = ""
    if tens:
        s += ("" if tens == 1 else DIGITS[tens]) + "十"
    if ones:
        s += DIGITS[ones]
    return s


# ---- 滨江市农村集体资金资产资源管理条例 --------------------------------
# Each article: (key, [paragraphs]); a paragraph may cite {key}.
ZH_CHAPTERS = [
    ("总　　则", [
        ("purpose", ["为了加强农村集体资金、资产、资源（以下简称农村集体“三资”）管理，维护农村集体经济组织及其成员的合法权益，促进农村集体经济发展，根据有关法律、法规，结合本市实际，制定本条例。"]),
        ("scope", ["本市行政区域内农村集体经济组织的资金、资产、资源的管理和监督，适用本条例。",
                   "村民委员会代行村集体经济组织职能的，适用本条例有关农村集体经济组织的规定。"]),
        ("terms", ["本条例所称农村集体资金，是指农村集体经济组织所有的货币资金，包括现金、银行存款等。",
                   "本条例所称农村集体资产，是指农村集体经济组织投资兴建的房屋、建筑物、机器设备、农田水利设施，以及对外投资形成的股权等。",
                   "本条例所称农村集体资源，是指依法属于农村集体经济组织所有的土地、森林、山岭、草原、荒地、滩涂、水面等自然资源。"]),
        ("principles", ["农村集体“三资”管理应当遵循民主、公开、规范、高效的原则，确保集体资产保值增值。"]),
        ("departments", ["市农业农村主管部门负责全市农村集体“三资”管理的指导和监督工作。",
                         "区人民政府农业农村主管部门负责本行政区域内农村集体“三资”管理的具体指导和监督工作。",
                         "财政、审计、自然资源、民政等部门应当按照各自职责，做好农村集体“三资”管理的相关工作。"]),
        ("township", ["乡镇人民政府负责本辖区内农村集体“三资”管理的指导、协调和监督，可以设立农村集体经济组织会计委托代理服务机构，为农村集体经济组织提供代理记帐服务。"]),
        ("rules", ["农村集体经济组织应当建立健全“三资”管理制度，定期清查核实资金、资产、资源，做到帐实相符。"]),
    ]),
    ("资金管理", [
        ("books", ["农村集体经济组织应当按照国家统一的会计制度设置会计帐簿，依法进行会计核算。",
                   "任何单位和个人不得伪造、变造会计凭证和会计帐簿，不得在依法设置的会计帐簿之外另设会计帐簿。"]),
        ("panel", ["农村集体经济组织应当成立民主理财小组。民主理财小组由三至五名成员组成，由村集体经济组织成员会议或者成员代表会议选举产生，负责监督本集体经济组织的财务收支。"]),
        ("bank", ["农村集体经济组织应当在银行业金融机构开设基本存款帐户，所有资金收入应当及时存入该帐户，不得坐收坐支。"]),
        ("cash", ["农村集体经济组织应当实行现金限额管理，库存现金不得超过乡镇人民政府规定的限额。"]),
        ("approval", ["农村集体经济组织的资金支出实行审批制度。",
                      "单笔支出在一万元以下的，由村集体经济组织负责人审批；单笔支出在一万元以上五万元以下的，经民主理财小组审核后，由村集体经济组织负责人审批；单笔支出在五万元以上的，应当提交村集体经济组织成员会议或者成员代表会议讨论决定。"]),
        ("meeting", ["下列事项应当提交村集体经济组织成员会议或者成员代表会议讨论决定：",
                     "（一）集体经济发展规划和年度财务预算；",
                     "（二）集体资产的处置和集体资源的发包、出租；",
                     # No full stop: the line ends the article body and must not run into the next article.
                     "（三）法律、法规规定的其他应当由村集体经济组织成员会议或者成员代表会议讨论决定的重大事项"]),
        ("reconcile", ["农村集体经济组织的会计人员应当每月与开户银行对帐一次，编制银行存款余额调节表，做到帐款相符。"]),
        ("reports", ["农村集体经济组织应当按照规定向乡镇人民政府报送月度、季度和年度会计报表。"]),
    ]),
    ("资产管理", [
        ("ledger", ["农村集体经济组织应当建立资产台帐，对集体资产进行登记，详细记录资产的名称、类别、数量、价值、使用状况等。"]),
        ("lease", ["农村集体资产的出租、出借、发包、转让，应当采取公开招标、拍卖、挂牌等方式进行，并依法签订书面合同。"]),
        ("disposal", ["集体资产处置应当依法进行资产评估。处置收入应当全额入帐，纳入集体收益分配。"]),
        ("invest", ["农村集体经济组织对外投资，应当依照本条例第{meeting}条规定提交成员会议或者成员代表会议讨论决定，并报乡镇人民政府备案。"]),
        ("guarantee", ["农村集体经济组织不得以集体资产为他人提供担保。"]),
        ("damage", ["因自然灾害等原因造成集体资产毁损的，农村集体经济组织应当及时核实，经民主理财小组审核后，按照规定调整帐目。"]),
    ]),
    ("资源管理", [
        ("register", ["农村集体经济组织应当对集体所有的土地、林地、水面等资源进行登记造册，建立资源登记簿。"]),
        ("contract", ["集体资源的发包、出租，应当采取公开协商或者招标投标方式进行，承包期限、承包费用等应当在合同中明确约定。"]),
        ("term", ["集体资源发包、出租合同期限不得超过法律规定的期限。合同签订后，应当在三十日内报乡镇人民政府备案。"]),
        ("fees", ["集体资源承包费、租赁费应当按照合同约定收取，不得预收或者拖欠，收取的费用应当全额入帐。"]),
        ("compensation", ["集体资源被依法征收的，征收补偿费用应当全额入帐，专户存储，专款专用。"]),
    ]),
    ("民主监督", [
        ("publish", ["农村集体经济组织应当实行财务公开制度，每季度公开一次财务收支情况；集体财务往来较多的，应当每月公开一次。"]),
        ("contents", ["财务公开的内容包括：",
                      "（一）财务收支情况；",
                      "（二）集体资产、资源的发包、出租情况；",
                      "（三）集体收益分配情况；",
                      "（四）债权债务情况。"]),
        ("inspect", ["农村集体经济组织成员对公开的内容有异议的，可以向民主理财小组提出查阅帐目的请求，民主理财小组应当在十五日内予以答复。"]),
        ("audit", ["乡镇人民政府应当每年对农村集体经济组织的财务收支情况进行审计。",
                   "村集体经济组织负责人任期届满或者离任的，应当进行任期或者离任经济责任审计。"]),
        ("findings", ["依照本条例第{audit}条规定进行的审计中发现帐目不清、帐实不符的，审计机构应当责令限期整改。"]),
    ]),
    ("法律责任", [
        ("p_books", ["违反本条例第{books}条规定，伪造、变造会计凭证、会计帐簿，或者在依法设置的会计帐簿之外另设会计帐簿的，由区人民政府农业农村主管部门责令改正；情节严重的，对直接负责的主管人员和其他直接责任人员依法给予处分。"]),
        ("p_cash", ["违反本条例第{bank}条、第{cash}条规定，坐收坐支或者超限额保管现金的，由乡镇人民政府责令改正。"]),
        ("p_lease", ["违反本条例第{lease}条、第{contract}条规定，未采取公开方式发包、出租集体资产、资源的，由区人民政府农业农村主管部门责令改正。"]),
        ("p_guarantee", ["违反本条例第{guarantee}条规定，以集体资产为他人提供担保的，由区人民政府农业农村主管部门责令改正；造成损失的，依法承担赔偿责任。"]),
        ("p_panel", ["违反本条例第{panel}条规定，未成立民主理财小组或者民主理财小组未依法履行监督职责的，由乡镇人民政府责令改正。"]),
        ("p_publish", ["违反本条例第{publish}条规定，未按照规定公开财务的，由乡镇人民政府责令限期公开。"]),
        ("p_officials", ["国家机关工作人员在农村集体“三资”管理工作中滥用职权、玩忽职守、徇私舞弊的，依法给予处分；构成犯罪的，依法追究刑事责任。"]),
    ]),
    ("附　　则", [
        ("township_def", ["本条例所称乡镇人民政府，包括街道办事处。"]),
        ("commence", ["本条例自2018年12月1日起施行。"]),
    ]),
]

ZH_CHAPTER_NO = ["一", "二", "三", "四", "五", "六", "七"]


def zh_revise(chapters):
    """The 2024 revision: 信息平台 article inserted at the end of chapter
    三, 民主理财小组 article moved to chapter 五 (after the 财务公开 list)
    and reworded, amounts and a time limit changed."""
    out = [(t, list(arts)) for t, arts in chapters]
    arts = {k: p for _, a in out for k, p in a}
    panel = ("panel", ["农村集体经济组织应当成立民主理财小组。民主理财小组由三至七名成员组成，由村集体经济组织成员会议或者成员代表会议选举产生，负责监督本集体经济组织的财务收支和资产、资源管理。"])
    out[1] = (out[1][0], [a for a in out[1][1] if a[0] != "panel"])
    i = [k for k, _ in out[4][1]].index("contents")
    out[4][1].insert(i + 1, panel)
    out[2][1].append(("platform", ["农村集体经济组织应当将集体资产纳入全市统一的农村集体资产管理信息平台，实行动态管理。"]))

    def edit(key, old, new):
        for _, a in out:
            for j, (k, p) in enumerate(a):
                if k == key:
                    a[j] = (k, [x.replace(old, new) for x in p])

    edit("approval", "一万元", "二万元")
    edit("term", "三十日内", "二十日内")
    assert arts
    return out


def zh_text(title, note, chapters, term):
    numbers = {}
    n = 0
    for _, arts in chapters:
        for k, _ in arts:
            n += 1
            numbers[k] = n
    lines = [title, "", note, ""]
    for c, (name, arts) in enumerate(chapters):
        lines.append(f"第{ZH_CHAPTER_NO[c]}章　{name}")
        lines.append("")
        for k, paras in arts:
            for j, p in enumerate(paras):
                p = re.sub(r"\{(\w+)\}", lambda m: zh(numbers[m.group(1)]), p)
                if term:
                    p = p.replace("帐", "账")
                lines.append((f"第{zh(numbers[k])}条　" if j == 0 else "") + p)
        lines.append("")
    return "\n".join(lines), numbers


# ---- Harbour City Public Records Ordinance -------------------------------
EN_CHAPTERS = [
    ("I", "General Provisions", [
        ("purpose", "Purpose", ["This Ordinance governs the creation, keeping, disclosure and disposal of public records held by the City of Harbour City and its agencies."]),
        ("definitions", "Definitions", ["(1) In this Ordinance, “public record” means any document, in any form, made or received by an agency in the course of its business.",
                                        "(2) “Agency” means any department, board, commission or office of the City.",
                                        "(3) “Records officer” means the officer designated under Article {officer}."]),
        ("officer", "Records officer", ["Each agency shall designate a records officer. The records officer shall be responsible for the agency's compliance with this Ordinance and shall report to the City Clerk once a year."]),
        ("duty", "Duty to keep records", ["Every agency shall keep complete and accurate records of its activities, decisions and transactions."]),
    ]),
    ("II", "Keeping of Records", [
        ("form", "Form of records", ["Records shall be kept in a durable form that preserves their integrity, authenticity and legibility."]),
        ("index", "Index", ["An agency shall keep an index of the records it holds and publish it on the City's website."]),
        ("retention", "Retention", ["(1) The City Clerk shall publish a retention schedule for each class of records.",
                                    "(2) No record shall be destroyed before the end of the retention period set in the schedule."]),
        ("transfer", "Transfer to the archives", ["Records of permanent value shall be transferred to the City Archives within ten years of their creation."]),
        ("security", "Security", ["Agencies shall protect records against loss, theft and unauthorised alteration or destruction."]),
    ]),
    ("III", "Access to Records", [
        ("right", "Right of access", ["Any person may request access to a public record held by an agency, without having to show an interest."]),
        ("requests", "Requests", ["(1) A request shall be made in writing and shall describe the record sought with enough detail to allow the agency to find it.",
                                  "(2) An agency shall not require the requester to state the reasons for the request."]),
        ("time", "Time limits", ["(1) An agency shall decide on a request within twenty working days of its receipt.",
                                 "(2) The time limit in paragraph (1) may be extended once by ten working days where the request concerns a large number of records."]),
        ("exemptions", "Exemptions", ["(1) An agency may refuse access to a record, or to part of it, only where disclosure would harm:",
                                      "(a) national security or public safety;",
                                      "(b) the privacy of an individual;",
                                      "(c) the commercial interests of a third party."]),
        ("partial", "Partial access", ["Where only part of a record is exempt under Article {exemptions}, the remaining part shall be disclosed."]),
        ("fees", "Fees", ["(1) Inspection of records shall be free of charge.",
                          "(2) An agency may charge a fee for copies, which shall not exceed the cost of copying."]),
    ]),
    ("IV", "Oversight", [
        ("commissioner", "Records Commissioner", ["The City Council shall appoint a Records Commissioner for a term of five years, who shall report under Article {annual}."]),
        ("review", "Review", ["A requester whose request is refused, in whole or in part, may apply to the Records Commissioner for a review of the decision within thirty days."]),
        ("powers", "Powers of the Commissioner", ["(1) The Records Commissioner may order an agency to disclose a record withheld contrary to Articles {exemptions} and {partial}.",
                                                  "(2) The Records Commissioner may inspect any record held by an agency."]),
        ("annual", "Annual report", ["The Records Commissioner shall submit an annual report to the City Council by the end of March."]),
    ]),
    ("V", "Offences and Penalties", [
        ("destroy", "Unlawful destruction", ["(1) A person who destroys a record in breach of Article {retention}(2), or who fails to transfer it under Article {transfer}, commits an offence.",
                                             "(2) A person convicted of an offence under paragraph (1) shall be liable to a fine not exceeding 5,000 dollars."]),
        ("refusal", "Unlawful refusal", ["An officer who refuses access contrary to Article {requests} or Article {time} shall be subject to disciplinary proceedings."]),
        ("alteration", "Unauthorised alteration", ["An officer who alters a record without authority, in breach of Articles {form} and {security}, shall be subject to disciplinary proceedings."]),
    ]),
    ("VI", "Final Provisions", [
        ("transitional", "Transitional provision", ["Records held by an agency on the date this Ordinance enters into force shall be indexed under Article {index} within two years."]),
        ("commencement", "Commencement", ["This Ordinance enters into force on 1 January 2016."]),
    ]),
]


def en_revise(chapters):
    """The 2023 revision: an Electronic records article inserted in Chapter
    II, the Records officer article moved to Chapter IV (before the annual
    report) and reworded, the time limit shortened."""
    out = [(n, t, list(a)) for n, t, a in chapters]
    officer = ("officer", "Records officer", ["Each agency shall designate a records officer. The records officer shall be responsible for the agency's compliance with this Ordinance and shall report to the City Clerk twice a year."])
    out[0] = (out[0][0], out[0][1], [a for a in out[0][2] if a[0] != "officer"])
    i = [a[0] for a in out[3][2]].index("annual")
    out[3][2].insert(i, officer)
    i = [a[0] for a in out[1][2]].index("transfer")
    out[1][2].insert(i + 1, ("electronic", "Electronic records", [
        "(1) Records made or received in electronic form shall be kept in electronic form.",
        "(2) The City Clerk shall set standards for the formats in which electronic records are kept."]))
    for _, _, a in out:
        for j, (k, t, p) in enumerate(a):
            if k == "time":
                a[j] = (k, t, [x.replace("twenty working days", "fifteen working days") for x in p])
    return out


def en_text(title, note, chapters, term):
    numbers = {}
    n = 0
    for _, _, arts in chapters:
        for k, _, _ in arts:
            n += 1
            numbers[k] = n
    lines = [title, "", note, ""]
    for num, name, arts in chapters:
        lines.append(f"Chapter {num} {name}")
        lines.append("")
        for k, heading, paras in arts:
            lines.append(f"Article {numbers[k]} {heading}")
            for p in paras:
                p = re.sub(r"\{(\w+)\}", lambda m: str(numbers[m.group(1)]), p)
                if term:
                    p = re.sub(r"\bshall\b", "must", p)
                lines.append(p)
            lines.append("")
    return "\n".join(lines), numbers


def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def shifted(old, new):
    return sorted(k for k in old if k in new and old[k] != new[k])


if __name__ == "__main__":
    title = "滨江市农村集体资金资产资源管理条例"
    zh_old, zn_old = zh_text(title, "（2018年6月28日滨江市第十五届人民代表大会常务委员会第十三次会议通过　2018年9月20日某某省第十三届人民代表大会常务委员会第五次会议批准）", ZH_CHAPTERS, False)
    zh_new, zn_new = zh_text(title, "（2018年6月28日滨江市第十五届人民代表大会常务委员会第十三次会议通过　根据2024年4月25日滨江市第十七届人民代表大会常务委员会第二十次会议《关于修改〈滨江市农村集体资金资产资源管理条例〉的决定》修正）", zh_revise(ZH_CHAPTERS), True)
    write("binjiang-2018.txt", zh_old)
    write("binjiang-2024.txt", zh_new)
    # A short excerpt for the README's example: the same kinds of revision
    # on seven articles.
    keep = {"资金管理": ["books", "panel", "bank", "cash"], "民主监督": ["publish", "inspect"],
            "法律责任": ["p_cash"]}
    excerpt = [(t, [a for a in arts if a[0] in keep.get(t, [])]) for t, arts in ZH_CHAPTERS]
    excerpt = [(t, a) for t, a in excerpt if a]

    def excerpt_revise(chapters):
        out = [(t, list(a)) for t, a in chapters]
        panel = next(a for a in out[0][1] if a[0] == "panel")
        out[0][1].remove(panel)
        out[0][1].append(("platform", ["农村集体经济组织应当通过全市统一的农村集体资产管理信息平台办理资金收付。"]))
        new_panel = (panel[0], [panel[1][0].replace("三至五名", "三至七名")])
        out[1][1].insert(1, new_panel)
        return out

    ZH_CHAPTER_NO[:] = ["二", "五", "六"]
    ex_old, _ = zh_text(title + "（节选）", "（2018年6月28日通过）", excerpt, False)
    ex_new, _ = zh_text(title + "（节选）", "（2018年6月28日通过　2024年4月25日修正）", excerpt_revise(excerpt), True)
    write("excerpt-2018.txt", ex_old)
    write("excerpt-2024.txt", ex_new)
    ZH_CHAPTER_NO[:] = ["一", "二", "三", "四", "五", "六", "七"]

    title = "HARBOUR CITY PUBLIC RECORDS ORDINANCE"
    en_old, en_n_old = en_text(title, "(Ordinance No. 7 of 2015, as enacted)", EN_CHAPTERS, False)
    en_new, en_n_new = en_text(title, "(Ordinance No. 7 of 2015, as amended by Ordinance No. 3 of 2023)", en_revise(EN_CHAPTERS), True)
    write("harbour-2015.txt", en_old)
    write("harbour-2023.txt", en_new)
    print("zh: articles", len(zn_old), "->", len(zn_new), "; renumbered", len(shifted(zn_old, zn_new)),
          "; 帐", zh_old.count("帐"))
    print("en: articles", len(en_n_old), "->", len(en_n_new), "; renumbered", len(shifted(en_n_old, en_n_new)),
          "; shall", len(re.findall(r"\bshall\b", en_old)))
