//! Athena DDL, parsed by DataFusion's sqlparser (Hive dialect): `CREATE DATABASE`,
//! `CREATE EXTERNAL TABLE` (columns with Hive types, `PARTITIONED BY`, SerDe, `LOCATION`,
//! `TBLPROPERTIES`), `ALTER TABLE … ADD PARTITION (…) LOCATION '…'` (assembled from the
//! parser's own primitives: its statement parser has no per-partition location), `SHOW TABLES`,
//! `SHOW DATABASES`, `DROP TABLE`, `DROP DATABASE`. Anything else is not DDL here.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType as Arrow, Field, Fields, TimeUnit};
use datafusion::sql::sqlparser::ast::{
    self, DataType, Expr, HiveDistributionStyle, ObjectName, SqlOption, Statement, Value,
};
use datafusion::sql::sqlparser::dialect::HiveDialect;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::parser::Parser;

/// Hive's dialect as Athena writes DDL: `STRUCT<name: type>` and `MAP<k, v>` column types
/// (which sqlparser's Hive dialect leaves to others), everything else Hive's.
#[derive(Debug)]
struct AthenaDdl(HiveDialect);

impl datafusion::sql::sqlparser::dialect::Dialect for AthenaDdl {
    fn dialect(&self) -> std::any::TypeId {
        std::any::TypeId::of::<HiveDialect>()
    }
    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        self.0.is_delimited_identifier_start(ch)
    }
    fn is_identifier_start(&self, ch: char) -> bool {
        self.0.is_identifier_start(ch)
    }
    fn is_identifier_part(&self, ch: char) -> bool {
        self.0.is_identifier_part(ch)
    }
    fn supports_struct_literal(&self) -> bool {
        true
    }
    fn supports_map_literal_with_angle_brackets(&self) -> bool {
        true
    }
}

/// A column: name (lower case) and type.
pub type Column = (String, Arrow);

/// One DDL statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Ddl {
    /// `CREATE DATABASE [IF NOT EXISTS] name`.
    CreateDatabase { name: String, if_not_exists: bool },
    /// `CREATE EXTERNAL TABLE`.
    CreateTable(TableSpec),
    /// `ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (k='v', …) [LOCATION '…'] …`.
    AddPartitions {
        /// `db.table` or `table`.
        table: (Option<String>, String),
        /// Each partition's values (column → value) and location.
        partitions: Vec<(BTreeMap<String, String>, Option<String>)>,
    },
    /// `SHOW TABLES [IN db]`.
    ShowTables { database: Option<String> },
    /// `SHOW DATABASES` / `SHOW SCHEMAS`.
    ShowDatabases,
    /// `DROP TABLE [IF EXISTS] t`.
    DropTable {
        table: (Option<String>, String),
        if_exists: bool,
    },
    /// `DROP DATABASE [IF EXISTS] d`.
    DropDatabase { name: String, if_exists: bool },
}

/// What `CREATE EXTERNAL TABLE` says.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSpec {
    /// `db.table` or `table`.
    pub table: (Option<String>, String),
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// Data columns.
    pub columns: Vec<Column>,
    /// Partition columns.
    pub partitions: Vec<Column>,
    /// `LOCATION`.
    pub location: Option<String>,
    /// The SerDe class.
    pub serde: Option<String>,
    /// `TBLPROPERTIES`, keys as written.
    pub properties: BTreeMap<String, String>,
}

fn lower(i: &ast::Ident) -> String {
    i.value.to_lowercase()
}

fn split_name(n: &ObjectName) -> (Option<String>, String) {
    let parts: Vec<String> = n.0.iter().filter_map(|p| p.as_ident().map(lower)).collect();
    match parts.as_slice() {
        [db, t] => (Some(db.clone()), t.clone()),
        [.., t] => (None, t.clone()),
        [] => (None, String::new()),
    }
}

/// Whether `sql` is DDL (its first word), so it goes here rather than to the query engine.
pub fn is_ddl(sql: &str) -> bool {
    let first = sql
        .trim_start()
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    matches!(
        first.as_str(),
        "CREATE" | "DROP" | "ALTER" | "SHOW" | "MSCK" | "DESCRIBE"
    )
}

/// Parse one DDL statement.
pub fn parse(sql: &str) -> Result<Ddl, String> {
    let dialect = AthenaDdl(HiveDialect {});
    let trimmed = sql.trim().trim_end_matches(';');
    let words: Vec<String> = trimmed
        .split_whitespace()
        .take(2)
        .map(str::to_ascii_uppercase)
        .collect();
    if words.first().map(String::as_str) == Some("ALTER") {
        return parse_add_partitions(trimmed);
    }
    let stmts = Parser::parse_sql(&dialect, trimmed).map_err(|e| format!("line 1: {e}"))?;
    let [stmt] = stmts.as_slice() else {
        return Err("Only one statement is supported".into());
    };
    match stmt {
        Statement::CreateDatabase {
            db_name,
            if_not_exists,
            ..
        }
        | Statement::CreateSchema {
            schema_name: ast::SchemaName::Simple(db_name),
            if_not_exists,
            ..
        } => Ok(Ddl::CreateDatabase {
            name: split_name(db_name).1,
            if_not_exists: *if_not_exists,
        }),
        Statement::CreateTable(t) => create_table(t),
        Statement::ShowTables { show_options, .. } => Ok(Ddl::ShowTables {
            database: show_options
                .show_in
                .as_ref()
                .and_then(|i| i.parent_name.as_ref())
                .map(|n| split_name(n).1),
        }),
        Statement::ShowDatabases { .. } | Statement::ShowSchemas { .. } => Ok(Ddl::ShowDatabases),
        Statement::Drop {
            object_type,
            if_exists,
            names,
            ..
        } => {
            let name = names.first().map(split_name).unwrap_or_default();
            match object_type {
                ast::ObjectType::Table => Ok(Ddl::DropTable {
                    table: name,
                    if_exists: *if_exists,
                }),
                ast::ObjectType::Database | ast::ObjectType::Schema => Ok(Ddl::DropDatabase {
                    name: name.1,
                    if_exists: *if_exists,
                }),
                other => Err(format!("DROP {other} is not supported")),
            }
        }
        other => Err(format!(
            "{} is not supported",
            other
                .to_string()
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        )),
    }
}

fn create_table(t: &ast::CreateTable) -> Result<Ddl, String> {
    if !t.external {
        return Err("Only CREATE EXTERNAL TABLE is supported for tables".into());
    }
    let columns = t
        .columns
        .iter()
        .map(|c| Ok((lower(&c.name), arrow_type(&c.data_type)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let partitions = match &t.hive_distribution {
        HiveDistributionStyle::PARTITIONED { columns } => columns
            .iter()
            .map(|c| Ok((lower(&c.name), arrow_type(&c.data_type)?)))
            .collect::<Result<Vec<_>, String>>()?,
        _ => Vec::new(),
    };
    let formats = t.hive_formats.as_ref();
    let serde = formats
        .and_then(|f| f.row_format.as_ref())
        .and_then(|r| match r {
            ast::HiveRowFormat::SERDE { class } => Some(class.clone()),
            _ => None,
        });
    let location = formats
        .and_then(|f| f.location.clone())
        .or_else(|| t.location.clone());
    let mut properties = BTreeMap::new();
    if let ast::CreateTableOptions::TableProperties(opts)
    | ast::CreateTableOptions::With(opts)
    | ast::CreateTableOptions::Options(opts)
    | ast::CreateTableOptions::Plain(opts) = &t.table_options
    {
        for o in opts {
            if let SqlOption::KeyValue { key, value } = o {
                properties.insert(key.value.clone(), literal(value)?);
            }
        }
    }
    Ok(Ddl::CreateTable(TableSpec {
        table: split_name(&t.name),
        if_not_exists: t.if_not_exists,
        columns,
        partitions,
        location,
        serde,
        properties,
    }))
}

fn literal(e: &Expr) -> Result<String, String> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => Ok(s.clone()),
            Value::Number(n, _) => Ok(n.to_string()),
            Value::Boolean(b) => Ok(b.to_string()),
            other => Ok(other.to_string()),
        },
        Expr::Identifier(i) => Ok(i.value.clone()),
        other => Err(format!("expected a literal, found {other}")),
    }
}

/// `ALTER TABLE name ADD [IF NOT EXISTS] PARTITION (k = 'v', …) [LOCATION '…'] …`.
fn parse_add_partitions(sql: &str) -> Result<Ddl, String> {
    let dialect = AthenaDdl(HiveDialect {});
    let mut p = Parser::new(&dialect)
        .try_with_sql(sql)
        .map_err(|e| e.to_string())?;
    let e = |err: datafusion::sql::sqlparser::parser::ParserError| err.to_string();
    p.expect_keywords(&[Keyword::ALTER, Keyword::TABLE])
        .map_err(e)?;
    let table = split_name(&p.parse_object_name(false).map_err(e)?);
    if !p.parse_keyword(Keyword::ADD) {
        return Err("Only ALTER TABLE … ADD PARTITION is supported".into());
    }
    let _ = p.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS]);
    let mut partitions = Vec::new();
    while p.parse_keyword(Keyword::PARTITION) {
        let ast::Partition::Partitions(exprs) = p.parse_partition().map_err(e)? else {
            return Err("PARTITION needs (column = 'value', …)".into());
        };
        let mut values = BTreeMap::new();
        for x in exprs {
            match x {
                Expr::BinaryOp {
                    left,
                    op: ast::BinaryOperator::Eq,
                    right,
                } => {
                    let Expr::Identifier(k) = left.as_ref() else {
                        return Err(format!("PARTITION expects column = value, found {left}"));
                    };
                    values.insert(lower(k), literal(&right)?);
                }
                other => return Err(format!("PARTITION expects column = value, found {other}")),
            }
        }
        let location = if p.parse_keyword(Keyword::LOCATION) {
            Some(p.parse_literal_string().map_err(e)?)
        } else {
            None
        };
        partitions.push((values, location));
    }
    if partitions.is_empty() {
        return Err("ALTER TABLE … ADD needs at least one PARTITION".into());
    }
    let rest = p.peek_token();
    if rest.token != datafusion::sql::sqlparser::tokenizer::Token::EOF {
        return Err(format!("unexpected {} after the partitions", rest.token));
    }
    Ok(Ddl::AddPartitions { table, partitions })
}

/// The Arrow type of a Hive column type.
pub fn arrow_type(t: &DataType) -> Result<Arrow, String> {
    Ok(match t {
        DataType::String(_) | DataType::Varchar(_) | DataType::Char(_) | DataType::Text => {
            Arrow::Utf8
        }
        DataType::Boolean | DataType::Bool => Arrow::Boolean,
        DataType::Int(_) | DataType::Integer(_) => Arrow::Int32,
        DataType::BigInt(_) => Arrow::Int64,
        DataType::SmallInt(_) => Arrow::Int16,
        DataType::TinyInt(_) => Arrow::Int8,
        DataType::Double(_) | DataType::DoublePrecision => Arrow::Float64,
        DataType::Float(_) | DataType::Real => Arrow::Float32,
        DataType::Timestamp(_, _) => Arrow::Timestamp(TimeUnit::Millisecond, None),
        DataType::Date => Arrow::Date32,
        DataType::Array(def) => {
            let inner = match def {
                ast::ArrayElemTypeDef::AngleBracket(t)
                | ast::ArrayElemTypeDef::SquareBracket(t, _)
                | ast::ArrayElemTypeDef::Parenthesis(t) => arrow_type(t)?,
                ast::ArrayElemTypeDef::None => return Err("ARRAY needs an element type".into()),
            };
            Arrow::List(Arc::new(Field::new_list_field(inner, true)))
        }
        DataType::Struct(fields, _) => Arrow::Struct(Fields::from(
            fields
                .iter()
                .map(|f| {
                    let name = f.field_name.as_ref().map(lower).unwrap_or_default();
                    Ok(Field::new(name, arrow_type(&f.field_type)?, true))
                })
                .collect::<Result<Vec<_>, String>>()?,
        )),
        DataType::Map(k, v) => {
            let entries = Field::new(
                "entries",
                Arrow::Struct(Fields::from(vec![
                    Field::new("key", arrow_type(k)?, false),
                    Field::new("value", arrow_type(v)?, true),
                ])),
                false,
            );
            Arrow::Map(Arc::new(entries), false)
        }
        DataType::Custom(name, _) if name.to_string().eq_ignore_ascii_case("string") => Arrow::Utf8,
        other => return Err(format!("column type {other} is not supported")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECTED: &str =
        include_str!("../../../tests/suite/fixtures/athena/cloudtrail_org_projected.sql");

    #[test]
    fn parses_awss_cloudtrail_table_with_projection() {
        let Ddl::CreateTable(t) = parse(PROJECTED).unwrap() else {
            panic!("a table")
        };
        assert_eq!(t.table, (None, "cloudtrail_logs_pp".into()));
        assert_eq!(t.columns.len(), 29);
        assert_eq!(t.columns[2].0, "eventtime");
        let Arrow::Struct(ui) = &t.columns[1].1 else {
            panic!("useridentity is a struct")
        };
        assert!(ui.iter().any(|f| f.name() == "onbehalfof"));
        let parts: Vec<&str> = t.partitions.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(parts, ["account", "region", "timestamp"]);
        assert_eq!(t.location.as_deref(), Some("s3://BUCKET/AWSLogs/ORG_ID/"));
        assert_eq!(
            t.serde.as_deref(),
            Some("com.amazon.emr.hive.serde.CloudTrailSerde")
        );
        assert_eq!(t.properties["projection.enabled"], "true");
        assert!(t.properties["storage.location.template"].ends_with("${region}/${timestamp}"));
    }

    #[test]
    fn parses_partitions_show_and_drop() {
        let d = parse(
            "ALTER TABLE db.t ADD IF NOT EXISTS PARTITION (account='1', region='us-east-1', timestamp='2026/12/01') LOCATION 's3://b/AWSLogs/o/1/CloudTrail/us-east-1/2026/12/01/' PARTITION (account='2', region='us-east-1', timestamp='2026/12/01')",
        )
        .unwrap();
        let Ddl::AddPartitions { table, partitions } = d else {
            panic!("partitions")
        };
        assert_eq!(table, (Some("db".into()), "t".into()));
        assert_eq!(partitions.len(), 2);
        assert_eq!(partitions[0].0["timestamp"], "2026/12/01");
        assert!(partitions[1].1.is_none());
        assert_eq!(
            parse("SHOW TABLES IN trail").unwrap(),
            Ddl::ShowTables {
                database: Some("trail".into())
            }
        );
        assert_eq!(
            parse("DROP TABLE IF EXISTS t").unwrap(),
            Ddl::DropTable {
                table: (None, "t".into()),
                if_exists: true
            }
        );
        assert_eq!(
            parse("CREATE DATABASE IF NOT EXISTS trail").unwrap(),
            Ddl::CreateDatabase {
                name: "trail".into(),
                if_not_exists: true
            }
        );
        assert!(parse("ALTER TABLE t ADD PARTITION (account)").is_err());
        assert!(parse("GRANT SELECT ON t TO x").is_err());
    }
}
