-- +goose Up
-- The facts about an entrant's organization that the higher contests ask for and check
-- (the national contest's eligibility rules, the nomination package). Money in whole yuan.
ALTER TABLE organizations
    ADD COLUMN established_on        date,                                   -- 成立日期 (registration date)
    ADD COLUMN registered_capital    bigint CHECK (registered_capital >= 0), -- 注册资本, yuan
    ADD COLUMN revenue_prev_year     bigint CHECK (revenue_prev_year >= 0),  -- 上一年度营业收入, yuan
    ADD COLUMN listed                boolean NOT NULL DEFAULT false,         -- 是否上市 (any stock exchange)
    ADD COLUMN tech_sme_number       text NOT NULL DEFAULT '',               -- 科技型中小企业入库登记编号
    ADD COLUMN high_tech_cert_number text NOT NULL DEFAULT '',               -- 高新技术企业证书编号
    ADD COLUMN national_top3_before  boolean NOT NULL DEFAULT false;         -- won a top-three place at the national contest before

-- +goose Down
ALTER TABLE organizations
    DROP COLUMN national_top3_before, DROP COLUMN high_tech_cert_number, DROP COLUMN tech_sme_number,
    DROP COLUMN listed, DROP COLUMN revenue_prev_year, DROP COLUMN registered_capital, DROP COLUMN established_on;
