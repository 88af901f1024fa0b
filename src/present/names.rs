//! Headline metrics for people: a name in English and in Chinese (the
//! words Chinese planners use: 利用率, 弃风弃光电量, 外送电量, 制氢量,
//! 度电成本 …), and the unit and scale each is shown in, so the terminal
//! table and the report print "Curtailed energy 31,634 GWh", not
//! `system.curtailed_mwh 31634438.2`.

use crate::base::fmt::fmt_num;
use crate::io::output::{MetricSummary, Summary};

/// Language of headings, metric names and units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const NAMES: [&'static str; 2] = ["en", "zh"];
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }
    /// The HTML `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
    /// `en` or `zh` by language.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// One headline metric: key, English name, Chinese name, display unit
/// (English, Chinese) and the factor from the metric's own unit to it.
pub struct Headline {
    pub key: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    pub unit_en: &'static str,
    pub unit_zh: &'static str,
    pub scale: f64,
}

const fn h(
    key: &'static str,
    en: &'static str,
    zh: &'static str,
    unit_en: &'static str,
    unit_zh: &'static str,
    scale: f64,
) -> Headline {
    Headline { key, en, zh, unit_en, unit_zh, scale }
}

/// Physical and reliability results, in the order they are shown.
pub const PHYSICAL: &[Headline] = &[
    h("system.utilisation_rate", "Utilisation rate", "新能源利用率", "%", "%", 100.0),
    h("system.available_mwh", "Available renewable energy", "新能源可发电量", "GWh", "GWh", 1e-3),
    h("system.used_mwh", "Renewable energy used", "新能源消纳电量", "GWh", "GWh", 1e-3),
    h("system.curtailed_mwh", "Curtailed energy", "弃风弃光电量", "GWh", "GWh", 1e-3),
    h("system.export_mwh", "Exported energy", "外送电量", "GWh", "GWh", 1e-3),
    h("system.import_mwh", "Imported energy", "受入电量", "GWh", "GWh", 1e-3),
    h("system.electrolyser_mwh", "Electricity to electrolysers", "电解制氢用电量", "GWh", "GWh", 1e-3),
    h("system.h2_t", "Hydrogen produced", "制氢量", "kt", "千吨", 1e-3),
    h("system.load_mwh", "Firm load", "负荷用电量", "GWh", "GWh", 1e-3),
    h("system.unserved_mwh", "Unserved energy", "缺供电量", "MWh", "MWh", 1.0),
    h("system.lole_h", "Loss-of-load hours (LOLE)", "失负荷小时数", "h", "小时", 1.0),
    h("system.storage_discharge_mwh", "Storage discharge", "储能放电量", "GWh", "GWh", 1e-3),
    h("system.co2_avoided_t", "CO2 avoided", "二氧化碳减排量", "Mt", "百万吨", 1e-6),
    h("system.coal_saved_tce", "Standard coal saved", "节约标准煤", "Mtce", "百万吨标准煤", 1e-6),
];

/// Economic results, in the order they are shown.
pub const ECONOMIC: &[Headline] = &[
    h("economics.capex_cny", "Capital (overnight)", "总投资", "bn CNY", "亿元", 1e-9),
    h("economics.annual_cost_cny", "Annual cost", "年费用", "bn CNY/yr", "亿元/年", 1e-9),
    h("economics.revenue_cny", "Annual revenue", "年收入", "bn CNY/yr", "亿元/年", 1e-9),
    h("economics.net_annual_cny", "Net annual value", "年净收益", "bn CNY/yr", "亿元/年", 1e-9),
    h("economics.npv_cny", "Net present value", "净现值", "bn CNY", "亿元", 1e-9),
    h("economics.lcoe_used_cny_per_mwh", "LCOE of renewables used", "度电成本（消纳电量）", "CNY/MWh", "元/MWh", 1.0),
    h("economics.lcoh_cny_per_kg", "LCOH", "制氢成本", "CNY/kg", "元/kg", 1.0),
];

impl Headline {
    pub fn name(&self, lang: Lang) -> &'static str {
        lang.pick(self.en, self.zh)
    }
    /// Display unit; money in Chinese is in 亿元 (10^8 CNY), not bn CNY.
    pub fn unit(&self, lang: Lang) -> &'static str {
        lang.pick(self.unit_en, self.unit_zh)
    }
    pub fn scale(&self, lang: Lang) -> f64 {
        if lang == Lang::Zh && self.unit_zh.starts_with("亿元") { self.scale * 10.0 } else { self.scale }
    }
    /// A value in this headline's display unit, 4 significant figures;
    /// rounding noise (|x| below 1e-6 of the display unit) as 0.
    pub fn show(&self, lang: Lang, x: f64) -> String {
        let v = x * self.scale(lang);
        if !v.is_finite() {
            "—".into()
        } else if v.abs() < 1e-6 {
            "0".into()
        } else {
            fmt_num(v)
        }
    }
}

/// The metric `key` of `summary`.
pub fn find<'a>(summary: &'a Summary, key: &str) -> Option<&'a MetricSummary> {
    summary.metrics.iter().find(|m| m.estimate.key == key)
}

/// When the levelised cost `key` rests on too few full-load hours a year
/// (`metrics::thin_levelised`), a note saying so; `None` otherwise.
pub fn thin_note(summary: &Summary, key: &str, lang: Lang) -> Option<String> {
    let h = crate::sim::metrics::thin_levelised(key, |k| find(summary, k).map(|m| m.estimate.mean))?;
    let whole = |x: f64| if x.abs() >= 1000.0 { fmt_num(x) } else { format!("{x:.0}") };
    let min = whole(crate::sim::metrics::MIN_LEVELISED_FULL_LOAD_H);
    let hours = if h.is_finite() { whole(h) } else { "0".into() };
    Some(match lang {
        Lang::En => format!("not shown: it rests on {hours} full-load hours a year (below {min})"),
        Lang::Zh => format!("未列出：年利用小时数仅 {hours} 小时（低于 {min} 小时），成本无实际意义"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_headline_is_a_registered_metric_kind() {
        // The system and economics tables of the registry hold every key.
        let m = crate::model::scenario::load(&crate::model::scenario::Source {
            name: "b".into(),
            dir: None,
            text: crate::model::scenario::DEFAULT_SCENARIO.into(),
        })
        .expect("bundled scenario");
        let r = crate::sim::metrics::Registry::new(&m);
        for hl in PHYSICAL.iter().chain(ECONOMIC) {
            assert!(r.index(hl.key).is_some(), "{}", hl.key);
            assert!(!hl.zh.is_ascii(), "{} has a Chinese name", hl.key);
        }
    }

    #[test]
    fn money_in_chinese_is_in_yi_yuan() {
        let capex = &ECONOMIC[0];
        assert_eq!(capex.show(Lang::En, 25.28e9), "25.28");
        assert_eq!(capex.show(Lang::Zh, 25.28e9), "252.8");
        assert_eq!(PHYSICAL[0].show(Lang::En, 0.379_04), "37.90");
        assert_eq!(PHYSICAL[3].show(Lang::En, 31_634_438.2), "31,634");
    }
}
