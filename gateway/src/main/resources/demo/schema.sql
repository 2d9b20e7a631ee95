-- VE Gateway demo data set: a Finance-and-Operations-like slice in schema erp.
-- Portable between H2 2.3 and PostgreSQL 17. Statements end with a semicolon at the end of a
-- line (loaders split on it), so comments never end with one.
-- Company-scoped tables carry data_area_id (usmf, demf, gbsi); owned tables carry owner_id and
-- business_unit_id (ids of the users and business units of demo/security.yaml).
CREATE SCHEMA IF NOT EXISTS erp;

CREATE TABLE erp.legal_entity (
    id UUID PRIMARY KEY,
    data_area_id VARCHAR(4) NOT NULL,
    name VARCHAR(100) NOT NULL,
    country_region VARCHAR(3) NOT NULL,
    currency VARCHAR(3) NOT NULL,
    version_number BIGINT NOT NULL,
    CONSTRAINT uq_legal_entity_data_area UNIQUE (data_area_id)
);

CREATE TABLE erp.customer_group (
    id UUID PRIMARY KEY,
    data_area_id VARCHAR(4) NOT NULL,
    group_id VARCHAR(10) NOT NULL,
    description VARCHAR(60) NOT NULL,
    payment_terms VARCHAR(10),
    version_number BIGINT NOT NULL,
    CONSTRAINT uq_customer_group_group UNIQUE (data_area_id, group_id)
);

-- Terms of payment, keyed by company and terms id as in Finance and Operations: no GUID column.
-- The gateway serves it with a GUID derived from (data_area_id, payment_terms_id).
CREATE TABLE erp.payment_terms (
    data_area_id VARCHAR(4) NOT NULL,
    payment_terms_id VARCHAR(10) NOT NULL,
    description VARCHAR(60) NOT NULL,
    net_days INTEGER NOT NULL,
    PRIMARY KEY (data_area_id, payment_terms_id)
);

CREATE TABLE erp.customer (
    id UUID PRIMARY KEY,
    data_area_id VARCHAR(4) NOT NULL,
    account_num VARCHAR(20) NOT NULL,
    name VARCHAR(100) NOT NULL,
    customer_group VARCHAR(10),
    credit_limit NUMERIC(18,2),
    credit_status INTEGER,
    on_hold INTEGER,
    currency VARCHAR(3),
    email VARCHAR(100),
    phone VARCHAR(30),
    city VARCHAR(60),
    country_region VARCHAR(3),
    established_date DATE,
    created_on TIMESTAMP WITH TIME ZONE,
    discount_percent DOUBLE PRECISION,
    employees INTEGER,
    sales_ytd BIGINT,
    is_key_account BOOLEAN,
    primary_contact_id UUID,
    owner_id UUID,
    business_unit_id UUID,
    version_number BIGINT NOT NULL,
    -- a multi-select option set: the chosen sales channels' stored values, comma-separated ("1,3")
    sales_channels VARCHAR(200),
    CONSTRAINT uq_customer_account UNIQUE (data_area_id, account_num)
);

CREATE INDEX ix_customer_name ON erp.customer (name);

CREATE INDEX ix_customer_owner ON erp.customer (owner_id);

CREATE INDEX ix_customer_business_unit ON erp.customer (business_unit_id);

CREATE INDEX ix_customer_group ON erp.customer (data_area_id, customer_group);

CREATE TABLE erp.vendor (
    id UUID PRIMARY KEY,
    data_area_id VARCHAR(4) NOT NULL,
    account_num VARCHAR(20) NOT NULL,
    name VARCHAR(100) NOT NULL,
    vendor_group VARCHAR(10),
    currency VARCHAR(3),
    on_hold INTEGER,
    owner_id UUID,
    business_unit_id UUID,
    version_number BIGINT NOT NULL,
    CONSTRAINT uq_vendor_account UNIQUE (data_area_id, account_num)
);

CREATE INDEX ix_vendor_owner ON erp.vendor (owner_id);

CREATE TABLE erp.released_product (
    id UUID PRIMARY KEY,
    data_area_id VARCHAR(4) NOT NULL,
    item_number VARCHAR(20) NOT NULL,
    product_name VARCHAR(100) NOT NULL,
    item_type INTEGER NOT NULL,
    sales_price NUMERIC(18,4),
    unit VARCHAR(10),
    is_released BOOLEAN NOT NULL,
    version_number BIGINT NOT NULL,
    CONSTRAINT uq_released_product_item UNIQUE (data_area_id, item_number)
);

CREATE TABLE erp.sales_order_header (
    id UUID PRIMARY KEY,
    data_area_id VARCHAR(4) NOT NULL,
    sales_order_number VARCHAR(20) NOT NULL,
    customer_account VARCHAR(20) NOT NULL,
    customer_id UUID NOT NULL,
    order_date DATE NOT NULL,
    requested_ship_at TIMESTAMP WITH TIME ZONE,
    status INTEGER NOT NULL,
    total_amount NUMERIC(18,2),
    currency VARCHAR(3),
    owner_id UUID,
    business_unit_id UUID,
    version_number BIGINT NOT NULL,
    CONSTRAINT uq_sales_order_number UNIQUE (data_area_id, sales_order_number),
    CONSTRAINT fk_sales_order_customer FOREIGN KEY (customer_id) REFERENCES erp.customer (id)
);

CREATE INDEX ix_sales_order_customer ON erp.sales_order_header (customer_id);

CREATE INDEX ix_sales_order_customer_account ON erp.sales_order_header (data_area_id, customer_account);

CREATE INDEX ix_sales_order_date ON erp.sales_order_header (order_date);

CREATE INDEX ix_sales_order_owner ON erp.sales_order_header (owner_id);

CREATE TABLE erp.sales_order_line (
    id UUID PRIMARY KEY,
    data_area_id VARCHAR(4) NOT NULL,
    sales_order_id UUID NOT NULL,
    line_number INTEGER NOT NULL,
    item_number VARCHAR(20) NOT NULL,
    quantity NUMERIC(18,4) NOT NULL,
    unit_price NUMERIC(18,4) NOT NULL,
    line_amount NUMERIC(18,2) NOT NULL,
    version_number BIGINT NOT NULL,
    CONSTRAINT uq_sales_order_line_number UNIQUE (sales_order_id, line_number),
    CONSTRAINT fk_sales_order_line_order FOREIGN KEY (sales_order_id) REFERENCES erp.sales_order_header (id)
);

CREATE INDEX ix_sales_order_line_item ON erp.sales_order_line (data_area_id, item_number);
